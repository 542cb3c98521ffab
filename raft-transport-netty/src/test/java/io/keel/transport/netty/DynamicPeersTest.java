package io.keel.transport.netty;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.Message;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.TimeoutNow;
import io.keel.raft.runtime.PeerNetwork.Reachability;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A transport follows its groups' configurations ({@link NettyTransport#onConfiguration}): it links
 * to members at the addresses they carry, drops the peers no configuration names any more but
 * keeps those it was given, skips addresses it cannot parse, and says how well it reaches each
 * peer ({@link NettyTransport#reachability}).
 */
class DynamicPeersTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N2 = NodeId.of("n2");
  private static final NodeId N3 = NodeId.of("n3");
  private static final GroupId G1 = GroupId.of("g1");
  private static final GroupId G2 = GroupId.of("g2");

  private final List<NettyTransport> transports = new ArrayList<>();
  private final Map<NodeId, Queue<Message>> inboxes = new TreeMap<>();

  @AfterEach
  void close() {
    transports.forEach(NettyTransport::close);
  }

  /** A transport for {@code node} on an ephemeral port of 127.0.0.1, given {@code peers} by the builder. */
  private NettyTransport start(NodeId node, Map<NodeId, InetSocketAddress> peers) throws IOException {
    Queue<Message> inbox = new ConcurrentLinkedQueue<>();
    inboxes.put(node, inbox);
    NettyTransport.Builder builder = NettyTransport.builder(node).clusterId("dynamic")
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .receiver((group, message) -> inbox.add(message));
    peers.forEach(builder::peer);
    NettyTransport transport = builder.start();
    transports.add(transport);
    return transport;
  }

  private NettyTransport start(NodeId node) throws IOException {
    return start(node, Map.of());
  }

  private static String address(NettyTransport transport) {
    return "127.0.0.1:" + transport.localAddress().getPort();
  }

  /** Voters {@code voters}, with the addresses in {@code addresses} (member, address, member, ...). */
  private static Configuration voters(List<NodeId> voters, Object... addresses) {
    TreeMap<NodeId, String> addressed = new TreeMap<>();
    for (int i = 0; i < addresses.length; i += 2) {
      addressed.put((NodeId) addresses[i], (String) addresses[i + 1]);
    }
    return new Configuration(new TreeSet<>(voters), new TreeSet<>(), new TreeSet<>(), addressed);
  }

  @Test
  void a_transport_links_to_a_member_a_configuration_gives_an_address_and_messages_flow_both_ways()
      throws Exception {
    NettyTransport first = start(N1);
    NettyTransport second = start(N2);
    assertEquals(Reachability.NO_ADDRESS, first.reachability(N2));
    Configuration configuration = voters(List.of(N1, N2), N1, address(first), N2, address(second));

    first.onConfiguration(G1, configuration);
    second.onConfiguration(G1, configuration);

    await().atMost(WAIT).until(() -> first.reachability(N2) == Reachability.CONNECTED
        && second.reachability(N1) == Reachability.CONNECTED);
    first.send(G1, N2, new TimeoutNow(4, N1));
    second.send(G1, N1, new RequestVote(5, N2, 9, 4, true));
    await().atMost(WAIT).until(() -> inboxes.get(N2).contains(new TimeoutNow(4, N1))
        && inboxes.get(N1).contains(new RequestVote(5, N2, 9, 4, true)));
    assertEquals(0, first.droppedForUnknownPeer());
  }

  @Test
  void a_peer_no_configuration_names_any_more_is_dropped_and_a_peer_of_the_builder_stays() throws Exception {
    NettyTransport second = start(N2);
    NettyTransport third = start(N3);
    NettyTransport first = start(N1, Map.of(N3, third.localAddress()));
    third.addPeer(N1, first.localAddress());
    second.onConfiguration(G1, voters(List.of(N1, N2), N1, address(first)));
    // Two groups name n2 with its address; g1 names n3 too, which the builder gave.
    first.onConfiguration(G1, voters(List.of(N1, N2, N3), N2, address(second), N3, address(third)));
    first.onConfiguration(G2, voters(List.of(N1, N2), N2, address(second)));
    await().atMost(WAIT).until(() -> first.reachability(N2) == Reachability.CONNECTED
        && first.reachability(N3) == Reachability.CONNECTED);

    first.onConfiguration(G1, voters(List.of(N1)));
    assertEquals(Reachability.CONNECTED, first.reachability(N2), "g2 still names n2");
    first.onConfiguration(G2, voters(List.of(N1)));

    assertEquals(Reachability.NO_ADDRESS, first.reachability(N2));
    assertTrue(first.stats().peer(N2).isEmpty(), "the link to n2 is gone");
    await().atMost(WAIT).until(() -> second.reachability(N1) == Reachability.DISCONNECTED);
    assertEquals(Reachability.CONNECTED, first.reachability(N3), "a peer of the builder stays");
    first.send(G1, N3, new TimeoutNow(7, N1));
    await().atMost(WAIT).until(() -> inboxes.get(N3).contains(new TimeoutNow(7, N1)));
  }

  @Test
  void a_configuration_moves_a_peer_to_its_new_address() throws Exception {
    NettyTransport second = start(N2);
    InetSocketAddress nowhere = closedPort();
    NettyTransport first = start(N1, Map.of(N2, nowhere));
    second.addPeer(N1, first.localAddress());
    assertEquals(Reachability.DISCONNECTED, first.reachability(N2));

    first.onConfiguration(G1, voters(List.of(N1, N2), N2, address(second)));

    await().atMost(WAIT).until(() -> first.reachability(N2) == Reachability.CONNECTED);
    // Moved, the peer is still the builder's: no configuration naming it makes no difference.
    first.onConfiguration(G1, voters(List.of(N1)));
    assertEquals(Reachability.CONNECTED, first.reachability(N2));
  }

  @Test
  void malformed_addresses_are_skipped_without_an_exception_and_the_others_followed() throws Exception {
    NettyTransport second = start(N2);
    NettyTransport first = start(N1);
    second.addPeer(N1, first.localAddress());
    List<String> malformed = List.of("not an address", "n4", "[::1:7000", "::1:7000", "127.0.0.1:0",
        "127.0.0.1:65536", "127.0.0.1:+80", "host:07000", "-host-:7000", "999.1.1.1:7000", "[fe80::1%eth0]:7000",
        "h\u00f6st:7000", "host:", ":7000");
    List<NodeId> members = new ArrayList<>(List.of(N1, N2));
    List<Object> addresses = new ArrayList<>(List.of(N2, address(second)));
    for (int i = 0; i < malformed.size(); i++) {
      NodeId member = NodeId.of("m" + i);
      members.add(member);
      addresses.add(member);
      addresses.add(malformed.get(i));
    }
    members.add(NodeId.of("unaddressed"));
    Configuration configuration = voters(members, addresses.toArray());

    assertDoesNotThrow(() -> first.onConfiguration(G1, configuration));

    for (int i = 0; i < malformed.size(); i++) {
      assertEquals(Reachability.NO_ADDRESS, first.reachability(NodeId.of("m" + i)), malformed.get(i));
    }
    await().atMost(WAIT).until(() -> first.reachability(N2) == Reachability.CONNECTED);
    assertEquals(1, first.stats().peers().size());
  }

  @Test
  void reachability_tells_no_address_from_disconnected_from_connected() throws Exception {
    NettyTransport first = start(N1);
    assertEquals(Reachability.UNKNOWN, first.reachability(N1), "this node itself");
    assertEquals(Reachability.NO_ADDRESS, first.reachability(N2));
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      silent.setSoTimeout((int) WAIT.toMillis());
      // A listener that takes the TCP connection but never answers the HELLO: not connected.
      first.onConfiguration(G1, voters(List.of(N1, N2), N2, "127.0.0.1:" + silent.getLocalPort()));
      try (Socket accepted = silent.accept()) {
        assertEquals(Reachability.DISCONNECTED, first.reachability(N2));
      }
    }
    NettyTransport second = start(N2);
    second.addPeer(N1, first.localAddress());
    first.onConfiguration(G1, voters(List.of(N1, N2), N2, address(second)));
    await().atMost(WAIT).until(() -> first.reachability(N2) == Reachability.CONNECTED);

    second.close();

    await().atMost(WAIT).until(() -> first.reachability(N2) == Reachability.DISCONNECTED);
  }

  /** Many groups change their configurations at once, on their own threads; the last word counts. */
  @Test
  void groups_calling_at_once_leave_the_links_their_last_configurations_ask_for() throws Exception {
    NettyTransport second = start(N2);
    NettyTransport first = start(N1);
    second.addPeer(N1, first.localAddress());
    Configuration with = voters(List.of(N1, N2), N2, address(second));
    Configuration without = voters(List.of(N1));
    int groups = 8;
    ExecutorService threads = Executors.newFixedThreadPool(groups);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        GroupId group = GroupId.of("g" + g);
        boolean lastNamesPeer = g == groups - 1;
        done.add(threads.submit(() -> {
          go.await();
          for (int i = 0; i < 300; i++) {
            first.onConfiguration(group, i % 2 == 0 ? with : without);
          }
          first.onConfiguration(group, lastNamesPeer ? with : without);
          return null;
        }));
      }
      go.countDown();
      for (Future<?> each : done) {
        each.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    await().atMost(WAIT).until(() -> first.reachability(N2) == Reachability.CONNECTED);
    first.onConfiguration(GroupId.of("g" + (groups - 1)), without);
    assertEquals(Reachability.NO_ADDRESS, first.reachability(N2));
  }

  /** A port of 127.0.0.1 that nothing listens on now. */
  private static InetSocketAddress closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
    }
  }
}

package io.keel.transport.netty;

import static io.keel.transport.netty.NettyCluster.awaitLeader;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.protocol.Role;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.runtime.RaftGroup;
import io.keel.transport.netty.wire.Frame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 13 over real sockets, without TLS: a raw connection says HELLO in n1's name
 * (n1 dials both other nodes, so both accept n1), then sends a well-formed message no correct n1
 * could send. The forgery gets in only while the real n1 has no connection open; then the group
 * refuses the message, the transport closes the connection and counts it, no node stops and the
 * cluster keeps committing. While the real n1 is connected, a HELLO in its name is refused and
 * the real connection kept.
 */
class ForgedPeerTest {

  private static final GroupId GROUP = GroupId.of("kv");
  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N2 = NodeId.of("n2");
  private static final NodeId N3 = NodeId.of("n3");
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  private static final TransportOptions OPTIONS =
      TransportOptions.defaults().withLiveness(Duration.ofMillis(200), IDLE_TIMEOUT);

  @TempDir Path dir;
  private NettyCluster cluster;
  private Map<NodeId, RaftGroup<String>> group;

  @BeforeEach
  void start() {
    cluster = new NettyCluster(dir, 3, node -> null, OPTIONS);
    group = cluster.startEverywhere(GROUP, node -> new Recorder());
    awaitLeader(group.values());
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void a_forged_append_entries_of_a_second_leader_is_refused_and_its_connection_closed() throws Exception {
    RaftGroup<String> leader = isolateN1();
    NodeId followerId = otherThan(leader.node());
    RaftGroup<String> follower = group.get(followerId);
    long term = follower.status().term();
    long refusedBefore = follower.status().impossibleMessages();

    try (RawConnection forged = RawConnection.helloAs(N1, followerId, cluster.addresses.get(followerId))) {
      forged.send(new Frame.MessageFrame(GROUP, new AppendEntries(term, N1, 0, 0, List.of(), 0)));
      assertClosedWithReason(forged.awaitClosed(), "a second leader in term " + term);
    }
    assertImpossibleMessageCounted(followerId, refusedBefore, "a second leader in term " + term);
    assertEquals(term, follower.status().term(), "the forged message changed nothing");
    assertEquals(Optional.of(leader.node()), follower.status().leader());
    assertClusterRecovers(leader);
  }

  @Test
  void a_forged_acknowledgement_of_an_index_never_sent_is_refused_by_the_leader() throws Exception {
    RaftGroup<String> leader = isolateN1();
    long term = leader.status().term();
    long refusedBefore = leader.status().impossibleMessages();

    try (RawConnection forged = RawConnection.helloAs(N1, leader.node(), cluster.addresses.get(leader.node()))) {
      forged.send(new Frame.MessageFrame(GROUP, AppendEntriesResponse.accepted(term, N1, 1_000_000_000_000L)));
      assertClosedWithReason(forged.awaitClosed(), "acknowledged index 1000000000000");
    }
    assertImpossibleMessageCounted(leader.node(), refusedBefore, "acknowledged index 1000000000000");
    assertTrue(leader.status().isLeader() && leader.status().term() == term, "the leader kept its term");
    assertTrue(leader.status().commitIndex() < 1_000, "the forged index was not counted: " + leader.status());
    assertClusterRecovers(leader);
  }

  @Test
  void while_n1_is_connected_a_hello_in_its_name_is_refused_and_the_real_connection_kept() throws Exception {
    for (NodeId target : List.of(N2, N3)) {
      NettyTransport transport = cluster.transports.get(target);
      await().atMost(Duration.ofSeconds(10)).until(() -> transport.isConnected(N1));
      long connections = transport.stats().peer(N1).orElseThrow().connections();
      long refused = transport.stats().refusedConnections();
      long term = group.get(target).status().term();

      try (RawConnection forged = RawConnection.open(cluster.addresses.get(target))) {
        // The lie that took a node down, sent at once behind the HELLO: it must never be read.
        forged.send(new Frame.Hello(NettyCluster.CLUSTER, N1, target),
            new Frame.MessageFrame(GROUP, new AppendEntries(term, N1, 0, 0, List.of(), 0)));
        List<Frame> answer = forged.awaitClosed();
        assertEquals(1, answer.size(), answer.toString());
        assertEquals(ConnectionHandler.REFUSED, assertInstanceOf(Frame.Reject.class, answer.get(0)).reason());
      }
      assertEquals(refused + 1, transport.stats().refusedConnections());
      String recorded = transport.stats().lastRefusal().orElseThrow();
      assertTrue(recorded.contains("a connection in the name of n1, which already has an open connection"), recorded);
      PeerStats n1 = transport.stats().peer(N1).orElseThrow();
      assertTrue(n1.connected(), "the real connection was kept");
      assertEquals(connections, n1.connections(), "no new connection was attached");
      assertEquals(0, n1.impossibleMessages());
      assertEquals(0, group.get(target).status().impossibleMessages(), "the forged message never reached the group");
    }
    assertCommits(awaitLeader(group.values()), "after");
  }

  @Test
  void a_restarted_peer_reconnects_once_its_silent_old_connection_times_out() throws Exception {
    isolateN1();
    NettyTransport n2 = cluster.transports.get(N2);
    // A connection in n1's name that then says nothing: what n2 sees of a host that vanished.
    try (RawConnection stale = RawConnection.helloAs(N1, N2, cluster.addresses.get(N2))) {
      long refused = n2.stats().refusedConnections();
      long connections = n2.stats().peer(N1).orElseThrow().connections();
      long healedAt = System.nanoTime();
      cluster.transports.get(N1).setCutOff(false);
      // n1 comes back and dials: refused while the stale connection is open, then let in once n2's
      // idle timeout has closed it, within idleTimeout plus one reconnect backoff.
      await().atMost(Duration.ofSeconds(10)).until(() -> n2.stats().refusedConnections() > refused);
      stale.awaitClosed();
      await().atMost(IDLE_TIMEOUT.plus(OPTIONS.reconnectBackoffMax()).plusSeconds(3))
          .until(() -> n2.stats().peer(N1).orElseThrow().connections() > connections && n2.isConnected(N1));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healedAt);
      assertTrue(millis >= IDLE_TIMEOUT.toMillis() / 2, "n1 got in after " + millis + " ms, before the stale connection timed out");
    }
    assertTrue(cluster.transports.get(N1).isConnected(N2));
    assertCommits(awaitLeader(group.values()), "back");
  }

  /** Cuts n1 off, waits until n2 and n3 have closed its connections, and returns their leader. */
  private RaftGroup<String> isolateN1() {
    cluster.transports.get(N1).setCutOff(true);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> !cluster.transports.get(N2).isConnected(N1) && !cluster.transports.get(N3).isConnected(N1));
    RaftGroup<String> leader = awaitLeader(List.of(group.get(N2), group.get(N3)));
    RaftGroup<String> follower = group.get(otherThan(leader.node()));
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      GroupStatus status = follower.status();
      return status.term() == leader.status().term() && status.leader().equals(Optional.of(leader.node()));
    });
    return leader;
  }

  private static NodeId otherThan(NodeId node) {
    return node.equals(N2) ? N3 : N2;
  }

  /** The node told the forged peer why before it closed: the peer did authenticate, as n1. */
  private static void assertClosedWithReason(List<Frame> frames, String reason) {
    Frame last = frames.get(frames.size() - 1);
    String told = assertInstanceOf(Frame.Reject.class, last, frames.toString()).reason();
    assertTrue(told.contains(reason), told);
  }

  private void assertImpossibleMessageCounted(NodeId node, long refusedBefore, String reason) {
    await().atMost(Duration.ofSeconds(5)).until(() -> group.get(node).status().impossibleMessages() == refusedBefore + 1);
    PeerStats n1 = cluster.transports.get(node).stats().peer(N1).orElseThrow();
    assertEquals(1, n1.impossibleMessages());
    assertTrue(n1.lastProblem().orElseThrow().contains(reason), n1.toString());
    assertEquals(1, cluster.transports.get(node).stats().impossibleMessages());
  }

  /** Nobody stopped, the leader commits, and once n1 is back it catches up. */
  private void assertClusterRecovers(RaftGroup<String> leader) throws Exception {
    for (RaftGroup<String> member : group.values()) {
      assertTrue(member.status().failure().isEmpty() && member.status().role() != Role.FAILED, member.status().toString());
    }
    assertCommits(leader, "during");
    cluster.transports.get(N1).setCutOff(false);
    RaftGroup<String> current = awaitLeader(group.values());
    assertCommits(current, "healed");
    long commit = current.status().commitIndex();
    await().atMost(Duration.ofSeconds(10)).until(() -> group.get(N1).status().appliedIndex() >= commit);
  }

  private static void assertCommits(RaftGroup<String> leader, String prefix) throws Exception {
    for (int i = 0; i < 10; i++) {
      assertEquals(prefix + i, leader.propose((prefix + i).getBytes(UTF_8)).get(10, TimeUnit.SECONDS));
    }
  }
}

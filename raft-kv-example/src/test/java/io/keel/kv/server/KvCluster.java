package io.keel.kv.server;

import io.keel.kv.config.KvConfig;
import io.keel.kv.config.StateMachineKind;
import io.keel.kv.resp.RespClient;
import io.keel.raft.NodeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A cluster of key-value nodes in this JVM, on free ports of 127.0.0.1, for tests; nodes can be
 * stopped and started again. Their state machine is the system property {@code
 * keel.kv.state-machine} ({@code memory} unless set), so the same tests run on each.
 */
public final class KvCluster implements AutoCloseable {

  /** The state machine of the nodes this run of the tests starts. */
  public static final StateMachineKind STATE_MACHINE = StateMachineKind.valueOf(
      System.getProperty("keel.kv.state-machine", "memory").toUpperCase(java.util.Locale.ROOT));

  private final Path dir;
  private final Map<NodeId, InetSocketAddress> members = new LinkedHashMap<>();
  private final List<Integer> respPorts = new ArrayList<>();
  private final List<KvNode> nodes = new ArrayList<>();
  private final List<KvConfig> configs = new ArrayList<>();

  /** Starts {@code size} nodes hashing keys over {@code groups} groups, each configured as {@code adjust} says. */
  public KvCluster(Path dir, int size, int groups, UnaryOperator<KvConfig.Builder> adjust) throws IOException {
    this.dir = dir;
    for (int i = 1; i <= size; i++) {
      members.put(NodeId.of("n" + i), new InetSocketAddress("127.0.0.1", freePort()));
      respPorts.add(freePort());
    }
    int i = 0;
    for (NodeId node : members.keySet()) {
      KvConfig.Builder builder = KvConfig.builder(node).members(members).dataDir(dir.resolve(node.value()))
          .respListen(new InetSocketAddress("127.0.0.1", respPorts.get(i))).httpOff().groups(groups)
          .electionTimeout(Duration.ofMillis(300)).heartbeatInterval(Duration.ofMillis(50))
          .stateMachine(STATE_MACHINE).rocksdbCacheMb(32);
      configs.add(adjust.apply(builder).build());
      nodes.add(null);
      i++;
    }
    for (int n = 0; n < size; n++) {
      start(n);
    }
  }

  /**
   * Starts a new node, {@code n<size+1>}, with {@code join = true}: empty, waiting to be added to the
   * groups ({@code KEEL.ADDNODE}); returns its index. {@code raftAddress()} names its Raft address.
   */
  public int startJoining(UnaryOperator<KvConfig.Builder> adjust) throws IOException {
    NodeId node = NodeId.of("n" + (nodes.size() + 1));
    InetSocketAddress raft = new InetSocketAddress("127.0.0.1", freePort());
    int resp = freePort();
    KvConfig.Builder builder = KvConfig.builder(node).members(members).join(true).raftListen(raft)
        .dataDir(dir.resolve(node.value())).respListen(new InetSocketAddress("127.0.0.1", resp)).httpOff()
        .groups(configs.get(0).groups()).electionTimeout(Duration.ofMillis(300)).heartbeatInterval(Duration.ofMillis(50))
        .stateMachine(STATE_MACHINE).rocksdbCacheMb(32);
    configs.add(adjust.apply(builder).build());
    respPorts.add(resp);
    nodes.add(null);
    start(nodes.size() - 1);
    return nodes.size() - 1;
  }

  /** Node {@code index}'s Raft address, as {@code host:port}. */
  public String raftAddress(int index) {
    InetSocketAddress address = configs.get(index).raftListen();
    return address.getHostString() + ":" + address.getPort();
  }

  /** Starts node {@code index} (0-based) again, or for the first time. */
  public KvNode start(int index) throws IOException {
    KvNode node = KvNode.start(configs.get(index));
    nodes.set(index, node);
    return node;
  }

  /** Stops node {@code index}, keeping its data. */
  public void stop(int index) {
    nodes.get(index).close();
    nodes.set(index, null);
  }

  /** Node {@code index}, or null while stopped. */
  public KvNode node(int index) {
    return nodes.get(index);
  }

  /** How many nodes the cluster has. */
  public int size() {
    return nodes.size();
  }

  /** Node {@code index}'s RESP port. */
  public int respPort(int index) {
    return respPorts.get(index);
  }

  /** Where the cluster keeps its data. */
  public Path dir() {
    return dir;
  }

  /** Waits until every running node knows a leader of every group and has announced its address. */
  public void awaitReady(Duration timeout) throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      KvNode node = nodes.get(i);
      if (node == null || configs.get(i).join()) {
        continue; // a joining node knows no leader until it is added
      }
      for (ShardReplica replica : node.service().replicas()) {
        replica.group().awaitLeader(timeout).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      node.announced().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The index of the running node that leads group {@code group}, as some running node knows it. */
  public Optional<Integer> leaderOf(int group) {
    for (KvNode node : nodes) {
      if (node != null) {
        Optional<NodeId> leader = node.service().replicas().get(group).leader();
        if (leader.isPresent()) {
          int index = new ArrayList<>(members.keySet()).indexOf(leader.get());
          if (nodes.get(index) != null) {
            return Optional.of(index);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A client of node {@code index}'s RESP port. */
  public RespClient client(int index) throws IOException {
    return RespClient.connect(new InetSocketAddress("127.0.0.1", respPort(index)), Duration.ofSeconds(5));
  }

  @Override
  public void close() {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i) != null) {
        stop(i);
      }
    }
  }

  /**
   * A port free now on 127.0.0.1, drawn below the kernel's ephemeral range (32768 and up on Linux),
   * so that no outgoing connection's local port can take it before the node binds it.
   */
  public static int freePort() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = 20_000 + PORTS.nextInt(12_000);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException e) {
        // taken: draw another
      }
    }
    throw new UncheckedIOException(new IOException("no free port between 20000 and 32000 in 1000 draws"));
  }

  private static final Random PORTS = new Random();
  /** Ports already handed out in this JVM, never handed out twice. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
}

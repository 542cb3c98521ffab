package io.keel.transport.netty;

import static org.awaitility.Awaitility.await;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.runtime.RaftRuntime;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.transport.netty.tls.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * N nodes in this JVM, each a {@link RaftRuntime} plus a {@link NettyTransport} on 127.0.0.1, with
 * the file log under a temporary directory. Nodes can be crashed and restarted on the same port
 * and directory.
 */
final class NettyCluster implements AutoCloseable {

  static final String CLUSTER = "test-cluster";

  static final RaftConfig CONFIG = RaftConfig.builder()
      .electionTimeout(Duration.ofMillis(150), Duration.ofMillis(300))
      .heartbeatInterval(Duration.ofMillis(30))
      .build();

  final List<NodeId> nodes = new ArrayList<>();
  final Map<NodeId, InetSocketAddress> addresses = new LinkedHashMap<>();
  final Map<NodeId, RaftRuntime> runtimes = new HashMap<>();
  final Map<NodeId, NettyTransport> transports = new HashMap<>();
  private final Path dir;
  private final Function<NodeId, TlsConfig> tls;
  private final TransportOptions options;

  NettyCluster(Path dir, int size) {
    this(dir, size, node -> null, TransportOptions.defaults());
  }

  NettyCluster(Path dir, int size, Function<NodeId, TlsConfig> tls, TransportOptions options) {
    this.dir = dir;
    this.tls = tls;
    this.options = options;
    for (int i = 1; i <= size; i++) {
      nodes.add(NodeId.of("n" + i));
    }
    for (NodeId node : nodes) {
      start(node, new InetSocketAddress("127.0.0.1", 0));
    }
    for (NodeId node : nodes) {
      for (NodeId peer : nodes) {
        if (!peer.equals(node)) {
          transports.get(node).addPeer(peer, addresses.get(peer));
        }
      }
    }
  }

  private void start(NodeId node, InetSocketAddress listen) {
    RaftRuntime runtime = RaftRuntime.builder(node).build();
    NettyTransport.Builder builder = NettyTransport.builder(node)
        .clusterId(CLUSTER)
        .listen(listen)
        .receiver(runtime)
        .tls(tls.apply(node))
        .options(options);
    if (listen.getPort() != 0) {
      addresses.forEach((peer, address) -> {
        if (!peer.equals(node)) {
          builder.peer(peer, address);
        }
      });
    }
    try {
      NettyTransport transport = builder.start();
      addresses.put(node, transport.localAddress());
      runtimes.put(node, runtime);
      transports.put(node, transport);
    } catch (IOException e) {
      runtime.close();
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a new node on 127.0.0.1 whose transport knows the running nodes' addresses, which they
   * do not know of it: they learn it from the configuration that adds it. Returns its address.
   */
  InetSocketAddress startJoiner(NodeId node) {
    Map<NodeId, InetSocketAddress> known = new LinkedHashMap<>(addresses);
    start(node, new InetSocketAddress("127.0.0.1", 0));
    known.forEach((peer, address) -> transports.get(node).addPeer(peer, address));
    return addresses.get(node);
  }

  /** Starts {@code group} on {@code node} to join the running group once an administrator adds it. */
  <R> RaftGroup<R> joinGroup(NodeId node, GroupId group, StateMachine<R> stateMachine) {
    return startGroup(node, group, stateMachine, GroupOptions.<R>builder(group).join());
  }

  /** Kills a node: its connections drop, then its groups stop; its directory stays. */
  void crash(NodeId node) {
    transports.remove(node).close();
    runtimes.remove(node).close();
  }

  /** Starts a crashed node again, on its old port. */
  void restart(NodeId node) {
    start(node, addresses.get(node));
  }

  <R> RaftGroup<R> startGroup(NodeId node, GroupId group, StateMachine<R> stateMachine) {
    return startGroup(node, group, stateMachine, GroupOptions.<R>builder(group).voters(nodes));
  }

  private <R> RaftGroup<R> startGroup(NodeId node, GroupId group, StateMachine<R> stateMachine,
      GroupOptions.Builder<R> options) {
    try {
      return runtimes.get(node).startGroup(options
          .config(CONFIG)
          .fileLog(dir.resolve(group.value()).resolve(node.value()), FileLogStoreOptions.defaults())
          .stateMachine(stateMachine)
          .network(transports.get(node))
          .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  <R> Map<NodeId, RaftGroup<R>> startEverywhere(GroupId group, Function<NodeId, StateMachine<R>> machines) {
    Map<NodeId, RaftGroup<R>> members = new LinkedHashMap<>();
    for (NodeId node : nodes) {
      members.put(node, startGroup(node, group, machines.apply(node)));
    }
    return members;
  }

  /** Waits until exactly one member leads the highest term among {@code members}. */
  static <R> RaftGroup<R> awaitLeader(Collection<RaftGroup<R>> members) {
    return await().atMost(Duration.ofSeconds(15)).until(() -> leaderOf(members), Optional::isPresent).get();
  }

  static <R> Optional<RaftGroup<R>> leaderOf(Collection<RaftGroup<R>> members) {
    RaftGroup<R> leader = null;
    long term = -1;
    for (RaftGroup<R> member : members) {
      GroupStatus status = member.status();
      if (status != null && status.isLeader() && status.term() >= term) {
        leader = status.term() == term ? null : member;
        term = status.term();
      }
    }
    return Optional.ofNullable(leader);
  }

  @Override
  public void close() {
    for (NettyTransport transport : transports.values()) {
      transport.close();
    }
    for (RaftRuntime runtime : runtimes.values()) {
      runtime.close();
    }
  }
}

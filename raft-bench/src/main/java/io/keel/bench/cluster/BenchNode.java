package io.keel.bench.cluster;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.runtime.RaftRuntime;
import io.keel.raft.snapshot.SnapshotPolicy;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.raft.storage.file.FileSnapshotStoreOptions;
import io.keel.transport.netty.NettyTransport;
import io.keel.transport.netty.TransportOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark node: a runtime, a Netty transport on 127.0.0.1 and one group whose voters are
 * this node and its peers. {@link #startW1} makes a W1 node: the group "w1" on the durable file
 * log (fsync per batch) applying to a {@link KvStateMachine}, with or without snapshots;
 * {@link #start} takes any group's options.
 *
 * @param <R> the state machine's result type
 */
public final class BenchNode<R> implements AutoCloseable {

  static final GroupId GROUP = GroupId.of("w1");
  /** The cluster id every benchmark node's transport checks in its handshake. */
  public static final String CLUSTER = "keel-bench";

  /** This node. */
  public final NodeId id;
  /** Its runtime. */
  public final RaftRuntime runtime;
  /** Its transport. */
  public final NettyTransport transport;
  /** Its replica of the group. */
  public final RaftGroup<R> group;

  private BenchNode(NodeId id, RaftRuntime runtime, NettyTransport transport, RaftGroup<R> group) {
    this.id = id;
    this.runtime = runtime;
    this.transport = transport;
    this.group = group;
  }

  /**
   * A W1 node with its log in {@code dir}; with {@code snapshots}, it also takes snapshots by the
   * default policy into {@code dir}-snapshots, and compacts its log by {@code config}'s settings.
   */
  static BenchNode<Integer> startW1(NodeId id, InetSocketAddress listen, Map<NodeId, InetSocketAddress> peers,
      Path dir, RaftConfig config, boolean snapshots) throws IOException {
    GroupOptions.Builder<Integer> group = GroupOptions.<Integer>builder(GROUP)
        .config(config)
        .fileLog(dir, FileLogStoreOptions.defaults())
        .stateMachine(new KvStateMachine());
    if (snapshots) {
      group.fileSnapshots(dir.resolveSibling(dir.getFileName() + "-snapshots"), FileSnapshotStoreOptions.defaults(),
          SnapshotPolicy.DEFAULT);
    }
    return start(id, listen, peers, TransportOptions.defaults(), group);
  }

  /**
   * Starts a node listening on {@code listen} whose group is {@code group}, completed with the
   * voters (this node and {@code peers}) and the transport as its network.
   */
  public static <R> BenchNode<R> start(NodeId id, InetSocketAddress listen, Map<NodeId, InetSocketAddress> peers,
      TransportOptions transportOptions, GroupOptions.Builder<R> group) throws IOException {
    RaftRuntime runtime = RaftRuntime.builder(id).build();
    NettyTransport.Builder transportBuilder = NettyTransport.builder(id)
        .clusterId(CLUSTER)
        .listen(listen)
        .options(transportOptions)
        .receiver(runtime);
    peers.forEach(transportBuilder::peer);
    NettyTransport transport;
    try {
      transport = transportBuilder.start();
    } catch (IOException | RuntimeException e) {
      runtime.close();
      throw e;
    }
    List<NodeId> voters = new ArrayList<>(peers.keySet());
    voters.add(id);
    try {
      RaftGroup<R> started = runtime.startGroup(group.voters(voters).network(transport).build());
      return new BenchNode<>(id, runtime, transport, started);
    } catch (IOException | RuntimeException e) {
      transport.close();
      runtime.close();
      throw e;
    }
  }

  /** {@code count} addresses on 127.0.0.1 whose ports were free a moment ago, for nodes n1 to n{@code count}. */
  public static Map<NodeId, InetSocketAddress> freeLoopbackAddresses(int count) throws IOException {
    Map<NodeId, InetSocketAddress> addresses = new LinkedHashMap<>();
    for (int i = 1; i <= count; i++) {
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        addresses.put(NodeId.of("n" + i), new InetSocketAddress("127.0.0.1", probe.getLocalPort()));
      }
    }
    return addresses;
  }

  @Override
  public void close() {
    transport.close();
    runtime.close();
  }
}

package io.keel.bench.cluster;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.runtime.RaftRuntime;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.transport.netty.NettyTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One W1 node: a runtime, a Netty transport on 127.0.0.1, and the group "w1" on the durable file
 * log (fsync per batch) applying to a {@link KvStateMachine}.
 */
final class BenchNode implements AutoCloseable {

  static final GroupId GROUP = GroupId.of("w1");
  static final String CLUSTER = "keel-bench";

  final NodeId id;
  final RaftRuntime runtime;
  final NettyTransport transport;
  final RaftGroup<Integer> group;

  private BenchNode(NodeId id, RaftRuntime runtime, NettyTransport transport, RaftGroup<Integer> group) {
    this.id = id;
    this.runtime = runtime;
    this.transport = transport;
    this.group = group;
  }

  static BenchNode start(NodeId id, InetSocketAddress listen, Map<NodeId, InetSocketAddress> peers, Path dir,
      RaftConfig config) throws IOException {
    RaftRuntime runtime = RaftRuntime.builder(id).build();
    NettyTransport.Builder transportBuilder = NettyTransport.builder(id)
        .clusterId(CLUSTER)
        .listen(listen)
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
      RaftGroup<Integer> group = runtime.startGroup(GroupOptions.<Integer>builder(GROUP)
          .voters(voters)
          .config(config)
          .fileLog(dir, FileLogStoreOptions.defaults())
          .stateMachine(new KvStateMachine())
          .network(transport)
          .build());
      return new BenchNode(id, runtime, transport, group);
    } catch (IOException | RuntimeException e) {
      transport.close();
      runtime.close();
      throw e;
    }
  }

  @Override
  public void close() {
    transport.close();
    runtime.close();
  }
}

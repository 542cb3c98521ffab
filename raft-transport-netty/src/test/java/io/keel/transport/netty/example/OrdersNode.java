package io.keel.transport.netty.example;

// region orders-node
import static java.nio.charset.StandardCharsets.UTF_8;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.StateMachine;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.runtime.RaftRuntime;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.transport.netty.NettyTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One node of a replicated order book: run it once per node, each with its own id. */
public final class OrdersNode implements AutoCloseable {

  /** The replicated state: how many of each item were ordered. Every node applies the same orders in the same order. */
  static final class Orders implements StateMachine<Integer> {
    private final Map<String, Integer> counts = new HashMap<>();

    @Override
    public synchronized Integer apply(long index, byte[] command) {
      return counts.merge(new String(command, UTF_8), 1, Integer::sum);   // the proposer learns the new count
    }

    synchronized int count(String item) {
      return counts.getOrDefault(item, 0);
    }
  }

  /** Usage: {@code OrdersNode n1 n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003}; then type an item per line. */
  public static void main(String[] args) throws Exception {
    NodeId self = NodeId.of(args[0]);
    try (OrdersNode node = start(self, members(args[1]), Path.of("data", self.value()))) {
      BufferedReader console = new BufferedReader(new InputStreamReader(System.in, UTF_8));
      for (String line = console.readLine(); line != null; line = console.readLine()) {
        System.out.println(node.order(line.strip()));
      }
    }
  }

  final NodeId self;
  final Orders orders = new Orders();
  private final RaftRuntime runtime;
  private final NettyTransport transport;
  private final RaftGroup<Integer> group;

  /** Starts node {@code self} of the group whose members listen at {@code members}, its log in {@code dir}. */
  static OrdersNode start(NodeId self, Map<NodeId, InetSocketAddress> members, Path dir) throws IOException {
    return new OrdersNode(self, members, dir);
  }

  private OrdersNode(NodeId self, Map<NodeId, InetSocketAddress> members, Path dir) throws IOException {
    this.self = self;
    this.runtime = RaftRuntime.builder(self).build();
    NettyTransport.Builder network = NettyTransport.builder(self).clusterId("orders")
        .listen(members.get(self)).receiver(runtime);
    members.forEach((peer, address) -> {
      if (!peer.equals(self)) {
        network.peer(peer, address);
      }
    });
    this.transport = network.start();
    this.group = runtime.startGroup(GroupOptions.<Integer>builder(GroupId.of("orders"))
        .voters(new ArrayList<>(members.keySet()))
        .fileLog(dir, FileLogStoreOptions.defaults())
        .stateMachine(orders)
        .network(transport)
        .build());
  }

  /** Orders one {@code item} through the leader; a follower says which node leads. */
  String order(String item) throws Exception {
    NodeId leader = group.awaitLeader(Duration.ofSeconds(10)).get();
    if (!leader.equals(self)) {
      return leader + " leads: type your order there";
    }
    int count = group.propose(item.getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
    return "ordered " + item + ", " + count + " so far";
  }

  /** Reads {@code n1=host:port,n2=host:port,...}. */
  static Map<NodeId, InetSocketAddress> members(String list) {
    Map<NodeId, InetSocketAddress> members = new LinkedHashMap<>();
    for (String member : list.split(",")) {
      String[] idAndAddress = member.split("=");
      String[] hostAndPort = idAndAddress[1].split(":");
      members.put(NodeId.of(idAndAddress[0]), new InetSocketAddress(hostAndPort[0], Integer.parseInt(hostAndPort[1])));
    }
    return members;
  }

  @Override
  public void close() {
    transport.close();
    runtime.close();
  }
}
// endregion

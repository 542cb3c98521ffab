package io.keel.transport.netty.example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.StateMachine;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.runtime.RaftRuntime;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.transport.netty.NettyTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node of docs/operations.md ("A node in twenty lines"), compiled and run: three of them on
 * 127.0.0.1, each with its runtime, its Netty transport and the group "orders" on the file log; a
 * command proposed at the leader comes back with the state machine's result. {@code DocSnippetsTest}
 * keeps the doc's code identical to the regions below.
 */
class NodeExampleTest {

  /** One running node: what it must close. */
  record Node(RaftRuntime runtime, NettyTransport transport, RaftGroup<String> orders) {}

  @TempDir Path dir;

  @Test
  void three_nodes_elect_a_leader_and_apply_a_command() throws Exception {
    Map<NodeId, InetSocketAddress> addresses = new LinkedHashMap<>();
    for (String id : List.of("n1", "n2", "n3")) {
      addresses.put(NodeId.of(id), new InetSocketAddress("127.0.0.1", freePort()));
    }
    Map<NodeId, Node> nodes = new LinkedHashMap<>();
    try {
      for (NodeId self : addresses.keySet()) {
        nodes.put(self, start(self, addresses, dir, (index, command) -> "applied " + new String(command, UTF_8)));
      }
      RaftGroup<String> orders = nodes.get(NodeId.of("n1")).orders();
      byte[] command = "order 42".getBytes(UTF_8);
      // region propose
      NodeId leader = orders.awaitLeader(Duration.ofSeconds(10)).join();   // a follower refuses proposals
      RaftGroup<String> atLeader = nodes.get(leader).orders();              // across machines: send it to the leader's node
      String result = atLeader.propose(command).get(5, TimeUnit.SECONDS);   // completes on the apply thread
      // endregion
      assertEquals("applied order 42", result);
    } finally {
      for (Node node : nodes.values()) {
        close(node);
      }
    }
  }

  /** Starts one node of the group "orders", whose voters are the nodes of {@code addresses}. */
  static Node start(NodeId self, Map<NodeId, InetSocketAddress> addresses, Path dir, StateMachine<String> machine)
      throws IOException {
    // region node
    RaftRuntime runtime = RaftRuntime.builder(self).build();              // event and apply threads
    NettyTransport.Builder network = NettyTransport.builder(self)
        .clusterId("orders")                                              // checked in every handshake
        .listen(addresses.get(self))
        .receiver(runtime);                                               // incoming messages go to the runtime
    addresses.forEach((peer, address) -> {
      if (!peer.equals(self)) {
        network.peer(peer, address);
      }
    });
    NettyTransport transport = network.start();                           // add .tls(...) before it for mutual TLS
    RaftGroup<String> orders = runtime.startGroup(GroupOptions.<String>builder(GroupId.of("orders"))
        .voters(List.copyOf(addresses.keySet()))
        .fileLog(dir.resolve(self.value()), FileLogStoreOptions.defaults())
        .stateMachine(machine)
        .network(transport)
        .build());
    // endregion
    return new Node(runtime, transport, orders);
  }

  static void close(Node node) {
    NettyTransport transport = node.transport();
    RaftRuntime runtime = node.runtime();
    // region close
    transport.close();
    runtime.close();                                                      // stops its groups, closes their logs
    // endregion
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

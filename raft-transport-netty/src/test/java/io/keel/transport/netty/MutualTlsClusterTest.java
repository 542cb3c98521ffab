package io.keel.transport.netty;

import static io.keel.transport.netty.NettyCluster.awaitLeader;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.runtime.RaftGroup;
import io.keel.transport.netty.tls.TestCertificates;
import io.keel.transport.netty.tls.TlsConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster over mutual TLS with certificates made by the test: it elects and replicates, and
 * refuses a node whose certificate comes from another CA or names another node.
 */
class MutualTlsClusterTest {

  private static final GroupId GROUP = GroupId.of("kv");

  @TempDir static Path dir;
  private static TestCertificates pki;
  private static NettyCluster cluster;
  private static Map<NodeId, RaftGroup<String>> group;

  @BeforeAll
  static void start() throws Exception {
    pki = TestCertificates.create(Files.createDirectories(dir.resolve("pki")), "n1", "n2", "n3", "n4");
    cluster = new NettyCluster(dir.resolve("data"), 3, node -> pki.forNode(node.value()), TransportOptions.defaults());
    group = cluster.startEverywhere(GROUP, node -> new Recorder());
  }

  @AfterAll
  static void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void the_cluster_elects_and_replicates_over_tls() throws Exception {
    RaftGroup<String> leader = awaitLeader(group.values());
    for (int i = 0; i < 100; i++) {
      assertEquals("t" + i, leader.propose(("t" + i).getBytes(UTF_8)).get(10, TimeUnit.SECONDS));
    }
    for (NodeId node : cluster.nodes) {
      TransportStats stats = cluster.transports.get(node).stats();
      assertTrue(stats.peers().stream().allMatch(PeerStats::connected), node + ": " + stats);
    }
  }

  @Test
  void a_certificate_from_another_ca_is_refused() throws Exception {
    assertRefused(pki.rogue("n1"), "TLS handshake failed");
  }

  @Test
  void a_valid_certificate_naming_another_node_is_refused() throws Exception {
    assertRefused(pki.forNode("n4"), "certificate check failed for n1");
  }

  @Test
  void a_connection_whose_certificate_proves_its_node_replaces_the_open_one() throws Exception {
    NodeId n1 = NodeId.of("n1");
    NodeId n2 = NodeId.of("n2");
    NettyTransport acceptor = cluster.transports.get(n2);
    await().atMost(Duration.ofSeconds(10)).until(() -> acceptor.isConnected(n1));
    long connections = acceptor.stats().peer(n1).orElseThrow().connections();
    // n1 restarted elsewhere (same certificate) while its old connection still looks open to n2.
    NettyTransport restarted = NettyTransport.builder(n1)
        .clusterId(NettyCluster.CLUSTER)
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .receiver((g, m) -> { })
        .tls(pki.forNode("n1"))
        .peer(n2, cluster.addresses.get(n2))
        .start();
    try {
      await().atMost(Duration.ofSeconds(10))
          .until(() -> restarted.stats().peer(n2).orElseThrow().connections() >= 1);
      assertTrue(acceptor.stats().peer(n1).orElseThrow().connections() > connections,
          "n2 let the proven newcomer replace the open connection");
    } finally {
      restarted.close();
    }
    // The cluster's own n1 redials and takes its place back the same way.
    await().atMost(Duration.ofSeconds(10)).until(() -> acceptor.isConnected(n1)
        && cluster.transports.get(n1).isConnected(n2));
    RaftGroup<String> leader = awaitLeader(group.values());
    assertEquals("replaced", leader.propose("replaced".getBytes(UTF_8)).get(10, TimeUnit.SECONDS));
  }

  /** Dials n2 as "n1" with {@code tls}, and waits for n2 to refuse with {@code reason}. */
  private static void assertRefused(TlsConfig tls, String reason) throws Exception {
    NettyTransport n2 = cluster.transports.get(NodeId.of("n2"));
    long before = n2.stats().refusedConnections();
    NettyTransport intruder = NettyTransport.builder(NodeId.of("n1"))
        .clusterId(NettyCluster.CLUSTER)
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .receiver((g, m) -> { })
        .tls(tls)
        .peer(NodeId.of("n2"), cluster.addresses.get(NodeId.of("n2")))
        .start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> n2.stats().refusedConnections() > before);
      String last = n2.stats().lastRefusal().orElseThrow();
      assertTrue(last.contains(reason), last);
      assertFalse(intruder.isConnected(NodeId.of("n2")));
    } finally {
      intruder.close();
    }
    RaftGroup<String> leader = awaitLeader(group.values());
    assertEquals("after", leader.propose("after".getBytes(UTF_8)).get(10, TimeUnit.SECONDS));
  }
}

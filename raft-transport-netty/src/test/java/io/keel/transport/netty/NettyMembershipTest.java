package io.keel.transport.netty;

import static io.keel.transport.netty.NettyCluster.awaitLeader;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationChange;
import io.keel.raft.ConfigurationChangeException;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.runtime.PeerNetwork.Reachability;
import io.keel.raft.runtime.RaftGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live three-node cluster over TCP grows to five and shrinks back to three while a client
 * writes: the new nodes start empty with {@code join}, the running ones learn their addresses from
 * the configuration entry and dial them, and no acknowledged write is lost.
 */
class NettyMembershipTest {

  private static final GroupId GROUP = GroupId.of("g");
  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N4 = NodeId.of("n4");
  private static final NodeId N5 = NodeId.of("n5");

  @TempDir Path dir;
  private NettyCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void a_live_cluster_grows_to_five_and_shrinks_back_to_three_while_a_client_writes() throws Exception {
    cluster = new NettyCluster(dir, 3);
    Map<NodeId, Recorder> machines = new ConcurrentHashMap<>();
    Map<NodeId, RaftGroup<String>> members = new ConcurrentHashMap<>();
    for (NodeId node : cluster.nodes) {
      machines.put(node, new Recorder());
      members.put(node, cluster.startGroup(node, GROUP, machines.get(node)));
    }
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread client = new Thread(() -> writeUntilStopped(members, writing, acknowledged), "client");
    client.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= 100);

    ConfigurationChange.Builder grow = ConfigurationChange.builder();
    for (NodeId node : List.of(N4, N5)) {
      InetSocketAddress address = cluster.startJoiner(node);
      machines.put(node, new Recorder());
      members.put(node, cluster.joinGroup(node, GROUP, machines.get(node)));
      grow.addVoter(node, "127.0.0.1:" + address.getPort());
    }
    Configuration grown = changeOnLeader(members, grow.build());
    assertEquals(ids("n1", "n2", "n3", "n4", "n5"), grown.voters());
    await().atMost(Duration.ofSeconds(20)).until(() -> members.values().stream()
        .allMatch(member -> member.configuration().equals(grown)));
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.transports.get(N1).reachability(N4)
        == Reachability.CONNECTED && members.get(N1).status().unreachableVoters().isEmpty());

    int beforeShrink = acknowledged.size();
    await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= beforeShrink + 100);
    Configuration shrunk = changeOnLeader(members, ConfigurationChange.builder().remove(N4).remove(N5).build());
    assertEquals(ids("n1", "n2", "n3"), shrunk.voters());
    // The configuration brought the new nodes in as peers; it no longer names them, so they go.
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.transports.get(N1).reachability(N4)
        == Reachability.NO_ADDRESS);
    int afterShrink = acknowledged.size();
    await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= afterShrink + 100);
    writing.set(false);
    client.join(20_000);
    assertFalse(client.isAlive());

    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.nodes.stream()
        .allMatch(node -> machines.get(node).applied().containsAll(acknowledged)));
    List<String> reference = machines.get(N1).applied();
    for (NodeId node : cluster.nodes) {
      List<String> applied = machines.get(node).applied();
      int common = Math.min(reference.size(), applied.size());
      assertEquals(reference.subList(0, common), applied.subList(0, common), node + " applied another order");
    }
  }

  /** Makes the change on whichever node leads, retrying while leadership moves or a change finishes. */
  private static Configuration changeOnLeader(Map<NodeId, RaftGroup<String>> members, ConfigurationChange change)
      throws Exception {
    for (int attempt = 0; attempt < 50; attempt++) {
      RaftGroup<String> leader = awaitLeader(members.values());
      try {
        return leader.changeMembership(change).get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof ConfigurationChangeException refused
            && refused.reason() == ConfigurationChangeException.Reason.INVALID) {
          throw e;
        }
        await().pollDelay(Duration.ofMillis(50)).until(() -> true);
      }
    }
    throw new AssertionError("the change never went through: " + change);
  }

  private static void writeUntilStopped(Map<NodeId, RaftGroup<String>> members, AtomicBoolean writing,
      ConcurrentLinkedQueue<String> acknowledged) {
    for (int i = 0; writing.get() && i < 1_000_000; i++) {
      RaftGroup<String> leader = NettyCluster.leaderOf(members.values()).orElse(null);
      if (leader == null) {
        continue;
      }
      try {
        acknowledged.add(leader.propose(("w" + i).getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS));
      } catch (Exception e) {
        // not acknowledged: outcome unknown, and not counted
      }
    }
  }

  private static Set<NodeId> ids(String... ids) {
    Set<NodeId> set = new TreeSet<>();
    for (String id : ids) {
      set.add(NodeId.of(id));
    }
    return set;
  }
}

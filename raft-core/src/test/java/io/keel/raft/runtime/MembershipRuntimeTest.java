package io.keel.raft.runtime;

import static io.keel.raft.runtime.RuntimeCluster.awaitLeader;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationChange;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.snapshot.SnapshotPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership change and leadership transfer through the runtime, while a client writes: nodes
 * started with {@code join} are added to a running group and catch up (by snapshot, the log being
 * compacted), then removed again, and no acknowledged write is lost.
 */
class MembershipRuntimeTest {

  private static final GroupId GROUP = GroupId.of("g");
  private static final NodeId N4 = NodeId.of("n4");
  private static final NodeId N5 = NodeId.of("n5");
  /** Snapshots every 50 entries, so that the new nodes catch up from a snapshot. */
  private static final SnapshotPolicy OFTEN = new SnapshotPolicy(50, 1L << 40, Duration.ZERO);
  /** Keeps only 10 entries behind each snapshot. */
  private static final RaftConfig CONFIG = RuntimeCluster.CONFIG.toBuilder().snapshotTrailingEntries(10).build();

  @TempDir Path dir;
  private RuntimeCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void a_running_group_grows_from_three_to_five_and_shrinks_back_while_a_client_writes() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RecordingStateMachine> machines = new HashMap<>();
    Map<NodeId, RaftGroup<String>> members = new ConcurrentHashMap<>();
    for (NodeId node : cluster.nodes) {
      machines.put(node, new RecordingStateMachine());
      members.put(node, cluster.start(node, GROUP, machines.get(node), CONFIG, OFTEN));
    }
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread client = new Thread(() -> writeUntilStopped(members, writing, acknowledged), "client");
    client.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() >= 200);

    for (NodeId node : List.of(N4, N5)) {
      machines.put(node, new RecordingStateMachine());
      members.put(node, cluster.startJoining(node, GROUP, machines.get(node), CONFIG, OFTEN));
    }
    Configuration grown = changeOnLeader(members, ConfigurationChange.builder()
        .addVoter(N4, null).addVoter(N5, null).build());
    assertEquals(ids("n1", "n2", "n3", "n4", "n5"), grown.voters());
    await().atMost(Duration.ofSeconds(10)).until(() -> members.values().stream()
        .allMatch(member -> member.configuration().equals(grown)));
    for (NodeId node : List.of(N4, N5)) {
      assertTrue(members.get(node).status().snapshots().installed() >= 1, node + " caught up from a snapshot");
    }

    int before = acknowledged.size();
    await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() >= before + 200);
    Configuration shrunk = changeOnLeader(members, ConfigurationChange.builder().remove(N4).remove(N5).build());
    assertEquals(ids("n1", "n2", "n3"), shrunk.voters());
    int afterShrink = acknowledged.size();
    await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() >= afterShrink + 200);
    writing.set(false);
    client.join(10_000);
    assertFalse(client.isAlive());

    // Every acknowledged write is on every node that stayed, in one order.
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.nodes.stream()
        .allMatch(node -> machines.get(node).applied().containsAll(acknowledged)));
    List<String> reference = machines.get(NodeId.of("n1")).applied();
    for (NodeId node : cluster.nodes) {
      List<String> applied = machines.get(node).applied();
      int common = Math.min(reference.size(), applied.size());
      assertEquals(reference.subList(0, common), applied.subList(0, common), node + " applied another order");
    }
  }

  @Test
  void leadership_moves_to_a_named_node_and_the_group_keeps_serving() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RaftGroup<String>> members = cluster.startEverywhere(GROUP, node -> new RecordingStateMachine());
    RaftGroup<String> leader = awaitLeader(members);
    leader.propose(bytes("before")).get(10, TimeUnit.SECONDS);
    NodeId target = cluster.nodes.stream().filter(node -> !node.equals(leader.node())).findFirst().orElseThrow();
    assertEquals(target, leader.transferLeadership(target).get(10, TimeUnit.SECONDS));
    RaftGroup<String> next = awaitLeader(members);
    assertEquals(target, next.node());
    assertEquals("after", next.propose(bytes("after")).get(10, TimeUnit.SECONDS));
  }

  /** Makes the change on whichever node leads, retrying while leadership moves or another change finishes. */
  private static Configuration changeOnLeader(Map<NodeId, RaftGroup<String>> members, ConfigurationChange change)
      throws Exception {
    for (int attempt = 0; attempt < 50; attempt++) {
      RaftGroup<String> leader = awaitLeader(members);
      try {
        return leader.changeMembership(change).get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof io.keel.raft.ConfigurationChangeException refused
            && refused.reason() == io.keel.raft.ConfigurationChangeException.Reason.INVALID) {
          throw e;
        }
        await().pollDelay(Duration.ofMillis(50)).until(() -> true);
      }
    }
    throw new AssertionError("the change never went through: " + change);
  }

  /** Proposes numbered writes on the leader one at a time, recording those acknowledged, until told to stop. */
  private static void writeUntilStopped(Map<NodeId, RaftGroup<String>> members, AtomicBoolean writing,
      ConcurrentLinkedQueue<String> acknowledged) {
    for (int i = 0; writing.get() && i < 1_000_000; i++) {
      try {
        RaftGroup<String> leader = RuntimeCluster.leaderOf(Map.copyOf(members)).orElse(null);
        if (leader == null) {
          continue;
        }
        String value = "w" + i;
        acknowledged.add(leader.propose(bytes(value)).get(5, TimeUnit.SECONDS));
      } catch (Exception e) {
        // not acknowledged: outcome unknown, and not counted
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Set<NodeId> ids(String... ids) {
    Set<NodeId> set = new TreeSet<>();
    for (String id : ids) {
      set.add(NodeId.of(id));
    }
    return set;
  }
}

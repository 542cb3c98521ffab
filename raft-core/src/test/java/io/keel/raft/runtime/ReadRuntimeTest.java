package io.keel.raft.runtime;

import static io.keel.raft.runtime.RuntimeCluster.awaitLeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.ReadFailedException;
import io.keel.raft.ReadMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Linearizable reads through the runtime: on the leader and on a follower, each seeing every write before it. */
class ReadRuntimeTest {

  private static final GroupId GROUP = GroupId.of("g");

  @TempDir Path dir;
  private RuntimeCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void every_node_reads_every_write_acknowledged_before_the_read() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RecordingStateMachine> machines = new HashMap<>();
    Map<NodeId, RaftGroup<String>> members =
        cluster.startEverywhere(GROUP, node -> machines.computeIfAbsent(node, any -> new RecordingStateMachine()));
    RaftGroup<String> leader = awaitLeader(members);
    for (int i = 0; i < 50; i++) {
      String value = "w" + i;
      leader.propose(value.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
      for (NodeId node : cluster.nodes) {
        RecordingStateMachine machine = machines.get(node);
        // Runs on the node's apply thread, after the state machine applied the read index.
        String last = members.get(node).read(() -> machine.applied().get(machine.applied().size() - 1))
            .get(10, TimeUnit.SECONDS);
        assertEquals(value, last, node + " read a state without the acknowledged write " + value);
      }
    }
    assertTrue(leader.readIndex().get(10, TimeUnit.SECONDS) >= 50);
  }

  @Test
  void lease_reads_see_every_acknowledged_write_and_a_cut_off_leader_stops_serving_them() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RecordingStateMachine> machines = new HashMap<>();
    Map<NodeId, RaftGroup<String>> members = cluster.startEverywhere(GROUP,
        node -> machines.computeIfAbsent(node, any -> new RecordingStateMachine()),
        RuntimeCluster.CONFIG.toBuilder().leaseReads(true).build());
    RaftGroup<String> leader = awaitLeader(members);
    RecordingStateMachine machine = machines.get(leader.node());
    for (int i = 0; i < 20; i++) {
      String value = "w" + i;
      leader.propose(value.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
      String last = leader.read(ReadMode.LEASE, () -> machine.applied().get(machine.applied().size() - 1))
          .get(10, TimeUnit.SECONDS);
      assertEquals(value, last, "the lease read missed the acknowledged write " + value);
    }
    cluster.network.cut(leader.node());
    Map<NodeId, RaftGroup<String>> others = new HashMap<>(members);
    others.remove(leader.node());
    awaitLeader(others); // by then the cut-off leader's lease has run out, as the vote lease guarantees
    assertThrows(Exception.class, () -> leader.read(ReadMode.LEASE, () -> "stale?").get(3, TimeUnit.SECONDS));
  }

  @Test
  void a_query_that_throws_fails_only_its_read_and_a_cut_off_follower_fails_safely() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RaftGroup<String>> members = cluster.startEverywhere(GROUP, node -> new RecordingStateMachine());
    RaftGroup<String> leader = awaitLeader(members);
    leader.propose("x".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    ExecutionException thrown = assertThrows(ExecutionException.class,
        () -> leader.read(() -> { throw new IllegalStateException("query failed"); }).get(10, TimeUnit.SECONDS));
    assertEquals("query failed", thrown.getCause().getMessage());
    assertEquals("ok", leader.read(() -> "ok").get(10, TimeUnit.SECONDS));

    NodeId follower = cluster.nodes.stream().filter(node -> !node.equals(leader.node())).findFirst().orElseThrow();
    cluster.network.cut(follower);
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> members.get(follower).read(() -> "stale?").get(10, TimeUnit.SECONDS));
    assertInstanceOf(ReadFailedException.class, failed.getCause());
  }
}

package io.keel.raft.runtime;

import static io.keel.raft.runtime.RuntimeCluster.awaitLeader;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.NodeStoppedException;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.snapshot.SnapshotPolicy;
import io.keel.raft.storage.file.StorageStats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applying and restarting through the runtime: the bound on unapplied bytes, a node restarted
 * from its directory, with a state machine that kept its state, or from its newest snapshot.
 */
class ApplyAndRestartTest {

  private static final GroupId GROUP = GroupId.of("g");

  @TempDir Path dir;
  private RuntimeCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Map<NodeId, RecordingStateMachine> machines(int size) {
    Map<NodeId, RecordingStateMachine> machines = new HashMap<>();
    for (int i = 1; i <= size; i++) {
      machines.put(NodeId.of("n" + i), new RecordingStateMachine());
    }
    return machines;
  }

  @Test
  void a_small_bound_on_unapplied_bytes_holds_entries_back_but_everything_is_applied() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    // Two 16-byte commands fit under the bound: the core waits for the apply thread's reports.
    RaftConfig config = RaftConfig.builder().maxUnappliedBytes(32).build();
    Map<NodeId, RecordingStateMachine> machines = new HashMap<>();
    Map<NodeId, RaftGroup<String>> group = new HashMap<>();
    for (NodeId node : cluster.nodes) {
      machines.put(node, new RecordingStateMachine());
      group.put(node, cluster.start(node, GROUP, machines.get(node), config));
    }
    RaftGroup<String> leader = awaitLeader(group);
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      results.add(leader.propose(new byte[16]));
    }
    for (CompletableFuture<String> result : results) {
      result.get(10, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> machines.values().stream().allMatch(m -> m.applied().size() == 300));
  }

  @Test
  void a_stopped_node_fails_its_proposals_and_restarts_from_its_directory_to_catch_up() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RecordingStateMachine> machines = machines(3);
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, machines::get);
    RaftGroup<String> leader = awaitLeader(group);
    for (int i = 0; i < 100; i++) {
      leader.propose(("a" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
    }
    NodeId stoppedNode = group.keySet().stream().filter(n -> !n.equals(leader.node())).findFirst().orElseThrow();
    group.get(stoppedNode).stop().get(5, TimeUnit.SECONDS);
    ExecutionException afterStop = assertThrows(ExecutionException.class,
        () -> group.get(stoppedNode).propose(new byte[] {1}).get(1, TimeUnit.SECONDS));
    assertInstanceOf(NodeStoppedException.class, afterStop.getCause());

    for (int i = 0; i < 100; i++) {
      leader.propose(("b" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
    }
    RecordingStateMachine fresh = new RecordingStateMachine();
    cluster.start(stoppedNode, GROUP, fresh, RuntimeCluster.CONFIG);
    await().atMost(Duration.ofSeconds(10)).until(() -> fresh.size() == 200);
    assertEquals(machines.get(leader.node()).applied(), fresh.applied());
    StorageStats written = leader.storageStats().orElseThrow(); // the file log's counters, through the group
    assertTrue(written.entriesWritten() >= 200 && written.syncs() > 0, written.toString());
  }

  @Test
  void a_restarted_node_whose_state_machine_kept_its_state_is_handed_only_what_follows() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RecordingStateMachine> machines = new HashMap<>();
    for (NodeId node : cluster.nodes) {
      machines.put(node, new RecordingStateMachine(true));
    }
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, machines::get);
    RaftGroup<String> leader = awaitLeader(group);
    for (int i = 0; i < 50; i++) {
      leader.propose(("a" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
    }
    NodeId restarted = group.keySet().stream().filter(n -> !n.equals(leader.node())).findFirst().orElseThrow();
    RecordingStateMachine kept = machines.get(restarted);
    await().atMost(Duration.ofSeconds(5)).until(() -> kept.size() == 50);
    group.get(restarted).stop().get(5, TimeUnit.SECONDS);
    for (int i = 0; i < 50; i++) {
      leader.propose(("b" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
    }
    // The same state machine, reopened: it would throw on any index it already applied.
    RaftGroup<String> again = cluster.start(restarted, GROUP, kept, RuntimeCluster.CONFIG);
    await().atMost(Duration.ofSeconds(10)).until(() -> kept.size() == 100);
    assertEquals(machines.get(leader.node()).applied(), kept.applied());
    assertTrue(again.status().failure().isEmpty(), "the node runs: " + again.status());
  }

  @Test
  void snapshots_are_taken_as_the_policy_says_and_a_restarted_node_restores_the_newest() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    SnapshotPolicy every25 = new SnapshotPolicy(25, Long.MAX_VALUE);
    Map<NodeId, RecordingStateMachine> machines = machines(3);
    Map<NodeId, RaftGroup<String>> group = new HashMap<>();
    for (NodeId node : cluster.nodes) {
      group.put(node, cluster.start(node, GROUP, machines.get(node), RuntimeCluster.CONFIG, every25));
    }
    RaftGroup<String> leader = awaitLeader(group);
    for (int i = 0; i < 100; i++) {
      leader.propose(("a" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
    }
    NodeId restarted = group.keySet().stream().filter(n -> !n.equals(leader.node())).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(5)).until(() -> machines.get(restarted).size() == 100
        && group.get(restarted).latestSnapshot().map(s -> s.lastIndex() >= 75).orElse(false));
    // Due every 25 entries; one falls due while the previous is still being written only on a
    // loaded machine, and is then skipped (one snapshot at a time), so at least two of the four.
    assertTrue(machines.get(restarted).snapshotsTaken() >= 2, "one snapshot per 25 entries or so");
    long snapshotIndex = group.get(restarted).latestSnapshot().orElseThrow().lastIndex();
    group.get(restarted).stop().get(5, TimeUnit.SECONDS);
    for (int i = 0; i < 20; i++) {
      leader.propose(("b" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
    }
    // An empty state machine: the newest snapshot restores it, the log after it catches it up.
    RecordingStateMachine fresh = new RecordingStateMachine();
    cluster.start(restarted, GROUP, fresh, RuntimeCluster.CONFIG, every25);
    assertEquals(1, fresh.restored());
    await().atMost(Duration.ofSeconds(10)).until(() -> fresh.size() == 120);
    assertEquals(machines.get(leader.node()).applied(), fresh.applied());
    assertTrue(snapshotIndex > 0);
  }

  @Test
  void each_run_of_applies_ends_in_a_flush_at_its_last_index_before_any_snapshot() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RecordingStateMachine> machines = machines(3);
    Map<NodeId, RaftGroup<String>> group = new HashMap<>();
    for (NodeId node : cluster.nodes) {
      group.put(node, cluster.start(node, GROUP, machines.get(node), RuntimeCluster.CONFIG,
          new SnapshotPolicy(10, Long.MAX_VALUE)));
    }
    RaftGroup<String> leader = awaitLeader(group);
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      results.add(leader.propose(("f" + i).getBytes(UTF_8)));
    }
    for (CompletableFuture<String> result : results) {
      result.get(10, TimeUnit.SECONDS);
    }
    for (NodeId node : cluster.nodes) {
      RecordingStateMachine machine = machines.get(node);
      RaftGroup<String> replica = group.get(node);
      await().atMost(Duration.ofSeconds(10)).until(() -> machine.size() == 200
          && !machine.flushes().isEmpty() && machine.flushes().get(machine.flushes().size() - 1)
              == replica.status().appliedIndex());
      List<Long> flushes = machine.flushes();
      for (int i = 1; i < flushes.size(); i++) {
        assertTrue(flushes.get(i) > flushes.get(i - 1), node + " flushed out of order: " + flushes);
      }
      assertTrue(machine.snapshotsTaken() > 0 && !machine.snapshotBeforeFlush(), node + ": snapshots only of flushed state");
    }
  }

  @Test
  void a_state_machine_whose_flush_fails_stops_applying_and_the_group_says_why() throws Exception {
    cluster = new RuntimeCluster(dir, 1);
    RecordingStateMachine recording = new RecordingStateMachine();
    AtomicInteger flushes = new AtomicInteger();
    StateMachine<String> failing = new StateMachine<>() {
      @Override
      public String apply(long index, byte[] command) {
        return recording.apply(index, command);
      }

      @Override
      public void flush(long lastIndex) {
        if (flushes.incrementAndGet() > 1) {
          throw new IllegalStateException("the store refused the write");
        }
      }
    };
    RaftGroup<String> only = cluster.start(cluster.nodes.get(0), GROUP, failing, RuntimeCluster.CONFIG);
    awaitLeader(Map.of(only.node(), only));
    await().atMost(Duration.ofSeconds(5)).until(() -> flushes.get() >= 1); // the leader's own entry
    only.propose("x".getBytes(UTF_8)).get(5, TimeUnit.SECONDS); // applied, then the flush fails
    await().atMost(Duration.ofSeconds(5)).until(() -> only.status().failure().isPresent());
    assertTrue(only.status().failure().orElseThrow().contains("the store refused the write"),
        only.status().failure().orElseThrow());
    ExecutionException after = assertThrows(ExecutionException.class,
        () -> only.propose("y".getBytes(UTF_8)).get(5, TimeUnit.SECONDS));
    assertEquals(List.of("x"), recording.applied(), "nothing applies after a failed flush: " + after.getCause());
  }

  @Test
  void a_snapshot_that_fails_to_be_written_is_tried_again_later_and_applying_goes_on() throws Exception {
    cluster = new RuntimeCluster(dir, 1);
    AtomicInteger attempts = new AtomicInteger();
    RecordingStateMachine recording = new RecordingStateMachine();
    StateMachine<String> failingOnce = new StateMachine<>() {
      @Override
      public String apply(long index, byte[] command) {
        return recording.apply(index, command);
      }

      @Override
      public StateMachineSnapshot snapshot() {
        StateMachineSnapshot view = recording.snapshot();
        return attempts.incrementAndGet() == 1 ? out -> { throw new IOException("disk full"); } : view;
      }
    };
    RaftGroup<String> only = cluster.start(cluster.nodes.get(0), GROUP, failingOnce, RuntimeCluster.CONFIG,
        new SnapshotPolicy(10, Long.MAX_VALUE));
    awaitLeader(Map.of(only.node(), only));
    for (int i = 0; i < 40; i++) {
      assertEquals("c" + i, only.propose(("c" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> only.latestSnapshot().isPresent());
    assertTrue(attempts.get() >= 2, "the failed snapshot was followed by another");
  }
}

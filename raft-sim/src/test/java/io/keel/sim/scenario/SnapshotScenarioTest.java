package io.keel.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.protocol.Role;
import io.keel.sim.Fault;
import io.keel.sim.NetworkModel;
import io.keel.sim.Scenario;
import io.keel.sim.SimulatedNode;
import io.keel.sim.SimulationReport;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Snapshot transfers under the faults that threaten them: a follower catches up by snapshot after
 * the leader compacted past it, while clients keep appending, and the transfer survives a crash of
 * either side, a change of leader, and chunks lost, duplicated and reordered. Every safety checker
 * runs after every event (State Machine Safety compares the state machines' contents at equal
 * indexes); each script also checks that what it is about really happened.
 */
class SnapshotScenarioTest {

  private static final long SEEDS = 10;

  /**
   * n3 is down from 1 s to 3 s while every node snapshots every 20 entries and keeps 50 behind:
   * about 400 entries go by, far more than the leader keeps, while the snapshot thread takes up
   * to 50 ms a step, so a transfer takes long enough for new entries to race it.
   */
  private static Scenario followerDownWhileTheLeaderCompacts() {
    return Scenario.of(3)
        .snapshots(20, 50, 2, 2)
        .clients(2, "10ms")
        .clockJump("0s", 1, "300ms")
        .crash("1s", 3)
        .restart("3s", 3)
        .expectLivenessFrom("3s").expectCatchUp()
        .runFor("8s");
  }

  /** Whether n3 is receiving a snapshot and has not installed it yet. */
  private static final Predicate<List<SimulatedNode<Long>>> N3_RECEIVING = nodes -> {
    SimulatedNode<Long> n3 = nodes.get(2);
    return !n3.isCrashed() && n3.raft().snapshots().receiving().isPresent() && !n3.raft().snapshots().isInstalling();
  };

  @Test
  void aFollowerDownWhileTheLeaderCompactsPastItCatchesUpBySnapshotThenByLog() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario.Result result = followerDownWhileTheLeaderCompacts().run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      SimulatedNode<Long> n3 = result.simulation().nodes().get(2);
      assertTrue(n3.snapshotsInstalled() >= 1, "n3 caught up by snapshot: " + result.report().summary());
      assertCaughtUp(result);
    }
  }

  @Test
  void aFollowerCrashingInTheMiddleOfAnInstallResumesTheTransfer() {
    int resumed = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario.Result result = followerDownWhileTheLeaderCompacts()
          // One byte at a time, so the transfer takes many steps; a snapshot about every second, so
          // that the leader often still sends the same one when n3 is back.
          .snapshots(200, 50, 1, 1)
          .when(nodes -> N3_RECEIVING.test(nodes) && nodes.get(2).snapshotBytesReceived() >= 4,
              new Fault.Crash(3), "200ms", new Fault.Restart(3))
          .expectLivenessFrom("5s").expectCatchUp()
          .runFor("10s")
          .run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      assertEquals(1, result.reactionsFired(), "n3 crashed while receiving: " + result.report().summary());
      assertTrue(result.simulation().nodes().get(2).snapshotsInstalled() >= 1, result.report().summary());
      assertCaughtUp(result);
      resumed += result.simulation().nodes().get(2).snapshotsResumed();
    }
    assertTrue(resumed > 0, "some transfer resumed from the bytes n3 had synced before its crash");
  }

  @Test
  void theLeaderCrashingInTheMiddleOfATransferLeavesItToTheNextLeader() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario.Result result = followerDownWhileTheLeaderCompacts()
          .snapshots(20, 50, 1, 2)
          .when(N3_RECEIVING, new Fault.CrashLeader())
          .restart("6s", 1).restart("6s", 2)
          .expectLivenessFrom("6s").expectCatchUp()
          .runFor("12s")
          .run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      assertEquals(1, result.reactionsFired(), result.report().summary());
      assertTrue(result.report().termsWithLeader() >= 2, "a new leader took over: " + result.report().summary());
      assertTrue(result.simulation().nodes().get(2).snapshotsInstalled() >= 1, result.report().summary());
      assertCaughtUp(result);
    }
  }

  @Test
  void theLeaderChangingDuringATransferDoesNotStopIt() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario.Result result = followerDownWhileTheLeaderCompacts()
          .snapshots(20, 50, 1, 2)
          .when(N3_RECEIVING, new Fault.IsolateLeader(), "1s", new Fault.Heal())
          .expectLivenessFrom("6s").expectCatchUp()
          .runFor("12s")
          .run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      assertEquals(1, result.reactionsFired(), result.report().summary());
      assertTrue(result.report().termsWithLeader() >= 2, "a new leader took over: " + result.report().summary());
      assertCaughtUp(result);
    }
  }

  @Test
  void chunksLostDuplicatedAndReorderedStillMakeTheSnapshot() {
    NetworkModel lossy = NetworkModel.reliable()
        .withDrop(0.2)
        .withDuplicate(0.2)
        .withStragglers(0.2, Duration.ofMillis(40));
    int installed = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario.Result result = Scenario.of(3)
          .snapshots(20, 50, 1, 4)
          .clients(2, "10ms")
          .clockJump("0s", 1, "300ms") // n1 leads first, on a reliable network
          .at("1s", new Fault.Network(lossy))
          .crash("1s", 3)
          .restart("6s", 3)
          .at("9s", new Fault.Network(NetworkModel.reliable()))
          .expectLivenessFrom("9s").expectCatchUp()
          .runFor("15s")
          .run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      assertTrue(result.report().messagesDropped() > 0 && result.report().messagesDuplicated() > 0,
          result.report().summary());
      // On the lossy network the two others may commit so little while n3 is down that the
      // leader's log still holds what n3 lacks: then n3 catches up by log, which is fine too.
      installed += result.simulation().nodes().get(2).snapshotsInstalled() >= 1 ? 1 : 0;
      assertCaughtUp(result);
    }
    assertTrue(installed >= SEEDS / 2, "n3 caught up by snapshot in " + installed + " of " + SEEDS + " seeds");
  }

  /** At the end, n3 has applied, or will apply from its log, all the leader had committed a moment before. */
  private static void assertCaughtUp(Scenario.Result result) {
    List<SimulatedNode<Long>> nodes = result.simulation().nodes();
    SimulatedNode<Long> leader = nodes.stream()
        .filter(node -> !node.isCrashed() && node.raft().role() == Role.LEADER)
        .findFirst().orElseThrow(() -> new AssertionError("no leader at the end: " + result.report().summary()));
    SimulatedNode<Long> n3 = nodes.get(2);
    SimulationReport report = result.report();
    assertTrue(!n3.isCrashed() && n3.raft().lastLogIndex() >= leader.raft().commitIndex() - 50,
        "n3 (" + n3.raft() + ") is near the leader (" + leader.raft() + "): " + report.summary());
  }
}

package io.keel.sim.check;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.sim.Partition;
import io.keel.sim.Scenario;
import io.keel.sim.SimulationReport;
import org.junit.jupiter.api.Test;

/**
 * The checks that snapshots added, each shown firing on a broken run or state: state machines
 * whose contents differ at one index, a restore behind what was applied, a compaction of entries
 * no node counted committed, and a node that never catches up.
 */
class SnapshotCheckersFireTest {

  @Test
  void state_machine_safety_fires_when_two_state_machines_differ_at_one_index() {
    StateMachineSafety safety = new StateMachineSafety();
    safety.onStart(1, 3);
    safety.onStart(2, 3);
    safety.onRestored(1, 10, 0xABCL, false); // n1's own snapshot at 10
    Violation violation = assertThrows(Violation.class, () -> safety.onRestored(2, 10, 0xDEFL, true));
    assertTrue(violation.getMessage().startsWith("State Machine Safety: n2's state machine at index 10"),
        violation.getMessage());
  }

  @Test
  void state_machine_safety_fires_when_a_restore_goes_back_behind_what_was_applied() {
    StateMachineSafety safety = new StateMachineSafety();
    safety.onStart(1, 1);
    safety.onApplied(1, 12, 7, 42L);
    Violation violation = assertThrows(Violation.class, () -> safety.onRestored(1, 10, 1, true));
    assertTrue(violation.getMessage().contains("restored the state at index 10 after applying index 12"),
        violation.getMessage());
  }

  @Test
  void compacting_entries_no_node_counted_committed_is_a_violation() {
    CommittedLog committed = new LeaderCompleteness().committedLog();
    Violation violation = assertThrows(Violation.class, () -> committed.hashAt(5, 1, "n2"));
    assertTrue(violation.getMessage().contains("n2 compacts its log up to 5@1, beyond every index any node has "
        + "counted committed"), violation.getMessage());
  }

  /** n3 is cut off from 1 s to the end: it runs, but can never apply what the others commit. */
  @Test
  void catch_up_fires_on_a_node_that_never_catches_up() {
    SimulationReport report = Scenario.of(3)
        .snapshots(20, 5, 2, 2)
        .clockJump("0s", 1, "300ms")
        .partition("1s", Partition.isolate(3, 3))
        .expectLivenessFrom("2s")
        .expectCatchUp()
        .runFor("8s")
        .run(1).report();
    assertTrue(report.livelock(), report.summary());
    assertTrue(report.violation().startsWith("Catch-Up: n3 is stuck"), report.violation());
  }
}

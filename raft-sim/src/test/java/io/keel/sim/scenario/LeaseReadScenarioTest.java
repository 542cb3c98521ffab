package io.keel.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.sim.Fault;
import io.keel.sim.Partition;
import io.keel.sim.Scenario;
import io.keel.sim.SimulationReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Lease reads (thesis §6.4.1) trust clocks. n1 leads; at 2 s it is cut off, and n2 and n3 elect a
 * new leader that commits writes, while readers keep asking every node. With clocks within the
 * bound, n1's lease runs out before n2 and n3 stop ignoring vote requests, so it serves no stale
 * read; with their clocks jumping ahead, or running faster than the bound allows, they elect a
 * leader while n1 still holds its lease, and the Linearizable Reads checker catches n1's stale
 * read. Read index reads stay correct whatever the clocks do.
 */
class LeaseReadScenarioTest {

  private static final long SEEDS = 10;

  private static Scenario leaderCutOff(boolean lease) {
    return leaderCutOff(lease, 150, 300, 2020);
  }

  /**
   * Election timeouts of {@code minMillis} to {@code maxMillis}; scripted writes to n2 and n3 every
   * 20 ms from {@code firstWriteMillis} (whichever leads commits them, the other refuses).
   */
  private static Scenario leaderCutOff(boolean lease, int minMillis, int maxMillis, int firstWriteMillis) {
    Scenario scenario = Scenario.of(3)
        .raft(raft -> raft.leaseReads(lease)
            .electionTimeout(Duration.ofMillis(minMillis), Duration.ofMillis(maxMillis)))
        .clients(2, "5ms")
        .clientTimeout("50ms") // a reader waiting on cut-off n1 soon asks again
        .membership("1s", Fault.MembershipOp.TRANSFER_TO, 1)
        .partition("2s", Partition.isolate(3, 1))
        .runFor("3s");
    for (int at = firstWriteMillis; at < firstWriteMillis + 100; at += 20) {
      scenario.propose(at + "ms", 2).propose(at + "ms", 3);
    }
    return scenario;
  }

  /**
   * A 1% bound, and clocks 20% off: n1's lease of 294 ms on its slow clock lasts 367 ms of true
   * time; n2 and n3, on fast clocks, stop ignoring vote requests after 250 ms and time out after
   * 250-267 ms, so they elect a leader, which commits the writes from 2.26 s, while n1's lease holds.
   */
  private static Scenario clocksBeyondTheBound(boolean lease) {
    return leaderCutOff(lease, 300, 320, 2260).raft(raft -> raft.maxClockDrift(0.01))
        .clockDrift(-200_000, 200_000, 200_000);
  }

  private static Scenario followersJumpAhead(boolean lease) {
    // n2 campaigns at once; n3 stops ignoring vote requests at once, but its own timer fires later.
    return leaderCutOff(lease).clockJump("2s", 2, "1s").clockJump("2s", 3, "160ms");
  }

  @Test
  void with_clocks_within_the_bound_a_cut_off_leader_serves_no_stale_lease_read() {
    long byLease = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = leaderCutOff(true).run(seed).report();
      assertTrue(report.ok(), report.summary());
      byLease += report.leaseReadsServed();
    }
    assertTrue(byLease > 0, "the leases served reads");
  }

  @Test
  void followers_whose_clocks_jump_ahead_let_a_cut_off_leader_serve_a_stale_lease_read() {
    int caught = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = followersJumpAhead(true).run(seed).report();
      if (!report.ok()) {
        assertTrue(report.violation().startsWith("Linearizable Reads: n1 served a read"), report.violation());
        caught++;
      }
    }
    assertTrue(caught >= SEEDS / 2, "caught in " + caught + " of " + SEEDS + " seeds");
  }

  @Test
  void followers_whose_clocks_run_faster_than_the_bound_let_a_cut_off_leader_serve_a_stale_lease_read() {
    int caught = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = clocksBeyondTheBound(true).run(seed).report();
      if (!report.ok()) {
        assertTrue(report.violation().startsWith("Linearizable Reads: n1 served a read"), report.violation());
        caught++;
      }
    }
    assertTrue(caught >= SEEDS / 2, "caught in " + caught + " of " + SEEDS + " seeds");
  }

  @Test
  void read_index_reads_stay_linearizable_whatever_the_clocks_do() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = followersJumpAhead(false).run(seed).report();
      assertTrue(report.ok(), report.summary());
      report = clocksBeyondTheBound(false).run(seed).report();
      assertTrue(report.ok(), report.summary());
    }
  }
}

package io.keel.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.sim.Fault;
import io.keel.sim.Scenario;
import io.keel.sim.SimulationReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A follower whose fsync takes longer than the minimum election timeout still keeps its leader:
 * the leader's heartbeats, checked at what the follower is known to hold, are answered at once,
 * even while an append that waits for the slow disk goes unanswered. With n3 down, n2 is the
 * leader's only majority partner, so a leader that did not hear from it would step down
 * (CheckQuorum) again and again.
 */
class SlowFollowerDiskTest {

  @Test
  void a_follower_with_a_slow_disk_keeps_its_leader() {
    for (long seed = 1; seed <= 10; seed++) {
      SimulationReport report = Scenario.of(3)
          .clockJump("0s", 1, "300ms") // n1 leads
          .crash("1s", 3)
          .at("1.5s", new Fault.SlowDisk(2, 300, Duration.ofSeconds(6))) // n2's fsync: 1 ms becomes 300 ms
          .expectLivenessFrom("2s")
          .runFor("8s")
          .run(seed).report();
      assertTrue(report.ok(), report.summary());
      assertEquals(1, report.termsWithLeader(), "n1 led throughout: " + report.summary());
    }
  }
}

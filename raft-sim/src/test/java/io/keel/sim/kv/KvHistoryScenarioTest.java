package io.keel.sim.kv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.session.SessionLimits;
import io.keel.sim.Fault;
import io.keel.sim.Partition;
import io.keel.sim.Scenario;
import io.keel.sim.Simulation;
import io.keel.sim.SimulationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key-value workload's history check bites: n1 leads, then is cut off while clients go on
 * writing through n2 and n3. Readers that skip the protocol and read a node's state at once (as a
 * store without ReadIndex would) read stale values from n1, and the history is not linearizable;
 * with ReadIndex reads the same runs are.
 */
class KvHistoryScenarioTest {

  private static final long SEEDS = 5;
  private static final SessionLimits LIMITS = new SessionLimits(Duration.ofSeconds(3), 64, 16);

  @TempDir Path histories;

  private SimulationReport run(long seed, boolean readIndex) {
    Scenario scenario = Scenario.of(3)
        .clients(3, "5ms")
        .clientTimeout("100ms")
        .membership("1s", Fault.MembershipOp.TRANSFER_TO, 1)
        .partition("2s", Partition.isolate(3, 1))
        .runFor("4s");
    KvWorkload workload = new KvWorkload(seed, 2, 3, histories);
    if (!readIndex) {
      workload.readingLocally();
    }
    return new Simulation<>(scenario.config(seed), scenario.schedule(), () -> KvWorkload.stateMachine(LIMITS), workload)
        .run();
  }

  @Test
  void reads_that_skip_read_index_are_caught_as_not_linearizable_and_the_history_is_written_out() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = run(seed, false);
      assertTrue(report.violation() != null && report.violation().startsWith("Linearizable History: "),
          report.summary());
      assertTrue(report.violation().contains("not linearizable"), report.violation());
      assertTrue(Files.exists(histories.resolve("history-seed-" + seed + ".jsonl")), "written for check-history");
    }
  }

  @Test
  void with_read_index_the_same_runs_are_linearizable() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = run(seed, true);
      assertTrue(report.ok(), report.summary());
    }
  }
}

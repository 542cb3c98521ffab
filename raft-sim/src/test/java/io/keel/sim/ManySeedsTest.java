package io.keel.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bounded seed sweep CI runs on every change: a few hundred seeds under every kind of fault,
 * each seed drawing its own rates and protocol options. The long soak (10,000 to 100,000 seeds) is
 * a separate command; see docs/simulator.md.
 */
class ManySeedsTest {

  private static void sweep(int nodes, long seeds, Duration time) {
    for (long seed = 1; seed <= seeds; seed++) {
      SimulationConfig base = SimulationConfig.defaults(seed).withNodes(nodes).withSimulatedTime(time);
      boolean preVote = (new SimRandom(seed).nextLong() & 1) == 0;
      SimulationConfig config = base.withRaft(base.raft().toBuilder().preVote(preVote).checkQuorum(seed % 3 != 0).build());
      SimulationReport report = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
      assertTrue(report.ok(), () -> report.summary() + "\n  protocol: " + config.raft());
    }
  }

  @Test
  void fiveNodesUnderAllFaults() {
    sweep(5, 200, Duration.ofSeconds(40));
  }

  @Test
  void threeNodesUnderAllFaults() {
    sweep(3, 200, Duration.ofSeconds(30));
  }
}

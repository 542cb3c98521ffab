package io.keel.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bounded seed sweep CI runs on every change: a few hundred seeds under every kind of fault,
 * each seed drawing its own fault rates, protocol settings and client load ({@link ProtocolSwarm}).
 * The long soak (10,000 to 100,000 seeds) is a separate command; see docs/simulator.md.
 */
class ManySeedsTest {

  private static void sweep(int nodes, long seeds, Duration time) {
    for (long seed = 1; seed <= seeds; seed++) {
      SimulationConfig base = SimulationConfig.defaults(seed).withNodes(nodes).withSimulatedTime(time);
      SimulationConfig config = ProtocolSwarm.draw(base).withSimulatedTime(time);
      SimulationReport report = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
      assertTrue(report.ok(), () -> report.summary() + "\n  protocol: " + ProtocolSwarm.describe(config));
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

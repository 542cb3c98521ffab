package io.keel.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.RaftConfig;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SimulationTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 5})
  void defaultScenarioStaysSafeAndMakesProgressOverManySeeds(int nodes) {
    for (long seed = 1; seed <= 20; seed++) {
      SimulationConfig config = SimulationConfig.defaults(seed).withNodes(nodes).withSimulatedTime(Duration.ofSeconds(20));
      SimulationReport report = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
      assertTrue(report.safe(), report.summary());
      assertTrue(report.acknowledged() > report.proposals() / 2, "most proposals commit despite the faults: " + report.summary());
      assertTrue(report.termsWithLeader() >= 1 + report.crashes() - (nodes == 1 ? report.crashes() : 0),
          "a new leader after every leader crash: " + report.summary());
    }
  }

  @Test
  void harshNetworkStaysSafe() {
    for (long seed = 1; seed <= 20; seed++) {
      SimulationConfig base = SimulationConfig.defaults(seed);
      SimulationConfig harsh = new SimulationConfig(seed, 5, Duration.ofSeconds(20), RaftConfig.defaults(),
          Duration.ofMillis(1), Duration.ofMillis(80), 0.2, Duration.ofMillis(20), Duration.ofMillis(3),
          Duration.ofMillis(1500), Duration.ofMillis(400));
      SimulationReport report = new Simulation<>(harsh, CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
      assertTrue(report.safe(), report.summary());
      assertTrue(report.acknowledged() > 0, report.summary());
      assertEquals(base.seed(), harsh.seed());
    }
  }

  @Test
  void sameSeedReplaysIdentically() {
    SimulationConfig config = SimulationConfig.defaults(42).withSimulatedTime(Duration.ofSeconds(10));
    SimulationReport first = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
    SimulationReport second = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
    assertEquals(withoutWallTime(first), withoutWallTime(second));
    SimulationReport other = new Simulation<>(config.withSeed(43), CounterStateMachine::new,
        CounterStateMachine.randomAdds()).run();
    assertTrue(!withoutWallTime(first).equals(withoutWallTime(other)), "another seed, another run");
  }

  @Test
  void invalidConfigurationNamesTheField() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.defaults(1).withNodes(12));
    assertEquals("nodes must be between 1 and 9, got 12", error.getMessage());
  }

  private static String withoutWallTime(SimulationReport report) {
    return report.summary().replaceAll("in [0-9,]+ ms", "");
  }
}

package io.keel.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulationTest {

  private static SimulationReport run(SimulationConfig config) {
    return new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 5, 7})
  void everyPropertyHoldsUnderAllFaultsAndTheClusterRecoversAfterTheHeal(int nodes) {
    for (long seed = 1; seed <= 10; seed++) {
      SimulationReport report = run(SimulationConfig.defaults(seed).withNodes(nodes));
      assertTrue(report.ok(), report.summary());
      assertTrue(report.acknowledged() > 100, "clients make progress: " + report.summary());
    }
  }

  @Test
  void withoutFaultsNothingIsLostAndNearlyEveryAttemptIsAcknowledged() {
    SimulationReport report = run(SimulationConfig.defaults(3).withNodes(5).withFaults(EnumSet.noneOf(FaultKind.class)));
    assertTrue(report.ok(), report.summary());
    assertEquals(0, report.messagesDropped() + report.messagesDuplicated() + report.crashes() + report.partitions());
    assertEquals(1, report.termsWithLeader(), "one election, then a stable leader: " + report.summary());
    assertTrue(report.acknowledged() >= report.attempts() - 3 - report.refused(), report.summary());
  }

  @Test
  void aSlowStateMachineDelaysAcknowledgementsButBreaksNothing() {
    // Every batch of committed entries waits up to 5 ms to be applied, half of them up to 200 ms.
    FaultSchedule slowApplies = FaultSchedule.none(3).withBuggify(new FaultSchedule.Buggify(0, 0, 0, 5_000, 0.5));
    for (long seed = 1; seed <= 5; seed++) {
      SimulationReport report = new Simulation<>(SimulationConfig.defaults(seed), slowApplies,
          CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
      assertTrue(report.ok(), report.summary());
      assertTrue(report.acknowledged() > 100, "clients make progress: " + report.summary());
    }
  }

  @Test
  void nodesTakeSnapshotsAndRestartFromThemUnderEveryFault() {
    int restored = 0;
    int interrupted = 0;
    for (long seed = 1; seed <= 20; seed++) {
      SimulationConfig config = SimulationConfig.defaults(seed).withSnapshotEveryEntries(20);
      Simulation<Long> simulation = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds());
      SimulationReport report = simulation.run();
      assertTrue(report.ok(), report.summary());
      for (SimulatedNode<Long> node : simulation.nodes()) {
        // Every node that applied twice the snapshot interval took one; a spare that was never
        // added, or a node removed early, may apply too little.
        if (node.isCrashed() || node.raft().lastApplied() >= 40) {
          assertTrue(node.snapshotsTaken() > 0, node.id() + " took no snapshot: " + report.summary());
        }
        restored += node.snapshotsRestored();
        interrupted += node.snapshotsInterrupted();
      }
    }
    assertTrue(restored > 0, "crashed nodes restarted from their snapshots");
    assertTrue(interrupted > 0, "a crash interrupted a snapshot being written, and the node went on from the one before");
  }

  @Test
  void persistentStateMachinesWhoseStoresLoseTheirLastFlushedRunsAreCaughtUpAndBreakNothing() {
    int lost = 0;
    for (long seed = 1; seed <= 20; seed++) {
      SimulationConfig config = SimulationConfig.defaults(seed).withPersistentStateMachines(true)
          .withSnapshotEveryEntries(seed % 2 == 0 ? 20 : 0);
      Simulation<Long> simulation = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds());
      SimulationReport report = simulation.run();
      assertTrue(report.ok(), report.summary());
      for (SimulatedNode<Long> node : simulation.nodes()) {
        lost += node.flushedRunsLost();
      }
    }
    assertTrue(lost > 0, "crashes took flushed runs back from stores, which the nodes replayed");
  }

  @Test
  void eachSeedDrawsItsOwnFaultRates() {
    SimulationConfig config = SimulationConfig.defaults(1);
    FaultSchedule first = Nemesis.scheduleOf(config);
    FaultSchedule second = Nemesis.scheduleOf(config.withSeed(2));
    assertNotEquals(first.network(), second.network());
    assertNotEquals(first.fsyncLatency(), second.fsyncLatency());
    assertEquals(first, Nemesis.scheduleOf(config), "the same seed draws the same schedule");
  }

  @Test
  void theScheduleEndsWithAHealAndDrawsOnlyTheChosenFaults() {
    SimulationConfig config = SimulationConfig.defaults(5).withFaults(EnumSet.of(FaultKind.CRASH))
        .withSimulatedTime(Duration.ofSeconds(60));
    FaultSchedule schedule = Nemesis.scheduleOf(config);
    assertEquals(config.healAt(), schedule.healAt());
    assertEquals(0, schedule.network().dropProbability());
    assertTrue(schedule.faults().stream().allMatch(timed -> timed.fault() instanceof Fault.Crash
        || timed.fault() instanceof Fault.Restart || timed.fault() instanceof Fault.Heal), schedule.describe());
    assertTrue(schedule.faults().stream().anyMatch(timed -> timed.fault() instanceof Fault.Crash), schedule.describe());
    assertTrue(schedule.faults().stream().noneMatch(timed -> timed.at().compareTo(config.healAt()) > 0));
  }

  @Test
  void theSameSeedReplaysTheSameTraceTwice() {
    SimulationConfig config = SimulationConfig.defaults(42).withNodes(5);
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    SimulationReport one = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds())
        .traceTo(first::add).run();
    SimulationReport two = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds())
        .traceTo(second::add).run();
    assertTrue(first.size() > 10_000, "a full trace: " + first.size() + " lines");
    assertEquals(first.hashCode(), second.hashCode());
    assertEquals(first, second);
    assertEquals(one.traceHash(), two.traceHash());
    assertEquals(one.traceHash(), run(config).traceHash(), "tracing does not change the run");
    assertNotEquals(one.traceHash(), run(config.withSeed(43)).traceHash(), "another seed, another run");
  }

  @Test
  void aGivenScheduleReplaysTheSeedsOwnRunExactly() {
    SimulationConfig config = SimulationConfig.defaults(9);
    FaultSchedule drawn = Nemesis.scheduleOf(config);
    SimulationReport scripted = new Simulation<>(config, drawn, CounterStateMachine::new,
        CounterStateMachine.randomAdds()).run();
    assertEquals(run(config).traceHash(), scripted.traceHash());
  }

  @Test
  void anExceptionFailsTheRunWithWhereItWasThrown() {
    SimulationReport report = new Simulation<>(SimulationConfig.defaults(1), CounterStateMachine::new,
        (sequence, random) -> {
          if (sequence == 10) {
            throw new IllegalStateException("workload broke at 10");
          }
          return CounterStateMachine.add(1);
        }).run();
    assertTrue(!report.ok() && !report.livelock(), report.summary());
    assertTrue(report.violation().startsWith("No Exceptions: java.lang.IllegalStateException: workload broke at 10 at "),
        report.violation());
  }

  @Test
  void aViolationFoundWhileApplyingIsNotSwallowedByTheApplier() {
    // Two state machines that disagree on a result: the check runs inside apply, where the core
    // turns exceptions into failed proposals, so the simulator must carry it out of the event.
    java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
    SimulationReport report = new Simulation<>(SimulationConfig.defaults(2).withFaults(EnumSet.noneOf(FaultKind.class)),
        () -> {
          long offset = starts.getAndIncrement();
          return (index, command) -> index + offset;
        }, CounterStateMachine.randomAdds()).run();
    assertTrue(!report.ok(), report.summary());
    assertTrue(report.violation().startsWith("State Machine Safety: "), report.violation());
    assertTrue(report.violation().contains("is the state machine deterministic?"), report.violation());
  }

  @Test
  void invalidConfigurationNamesTheField() {
    assertEquals("nodes must be between 1 and 9, got 12", assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.defaults(1).withNodes(12)).getMessage());
    assertEquals("healPeriod must be at most simulatedTime (PT30S), got PT31S", assertThrows(
        IllegalArgumentException.class, () -> SimulationConfig.defaults(1).withHealPeriod(Duration.ofSeconds(31)))
        .getMessage());
    assertEquals("clients must be between 0 and 1000, got -1", assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.defaults(1).withClients(-1, Duration.ZERO)).getMessage());
  }
}

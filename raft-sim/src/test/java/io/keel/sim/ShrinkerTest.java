package io.keel.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShrinkerTest {

  private static SimulationReport report(long seed, String violation, boolean livelock) {
    return new SimulationReport(seed, 3, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, violation,
        livelock);
  }

  @Test
  void shrinksToTheFaultsTheFailureNeedsAndKeepsTheHeal() {
    FaultSchedule big = Nemesis.scheduleOf(SimulationConfig.defaults(11).withSimulatedTime(Duration.ofSeconds(120)));
    FaultSchedule.Timed culprit = new FaultSchedule.Timed(Duration.ofMillis(4321), new Fault.Crash(2));
    FaultSchedule withCulprit = big.withFaults(concat(big.faults(), culprit));
    assertTrue(withCulprit.faults().size() > 20, "a schedule worth shrinking: " + withCulprit.faults().size());
    Shrinker.Result result = new Shrinker(
        schedule -> report(11, schedule.faults().contains(culprit) ? "Election Safety: two leaders" : null, false),
        report(11, "Election Safety: two leaders", false), 1_000).shrink(withCulprit);
    assertEquals(2, result.schedule().faults().size(), result.schedule().describe());
    assertTrue(result.schedule().faults().contains(culprit));
    assertTrue(result.schedule().healAt() != null, "the heal stays");
    assertEquals(0, result.schedule().network().dropProbability());
    assertTrue(result.schedule().driftPpm().stream().allMatch(drift -> drift == 0));
  }

  @Test
  void aFailureOfAnotherKindDoesNotCount() {
    FaultSchedule schedule = Nemesis.scheduleOf(SimulationConfig.defaults(12));
    Shrinker.Result result = new Shrinker(any -> report(12, "Liveness: storm", true),
        report(12, "Log Matching: differs", false), 100).shrink(schedule);
    assertEquals(schedule, result.schedule(), "a livelock is not the safety failure being shrunk");
  }

  @Test
  void aPassingRunCannotBeShrunk() {
    assertEquals("seed 5 did not fail: nothing to shrink", assertThrows(IllegalArgumentException.class,
        () -> new Shrinker(any -> report(5, null, false), report(5, null, false), 10)).getMessage());
  }

  private static List<FaultSchedule.Timed> concat(List<FaultSchedule.Timed> list, FaultSchedule.Timed extra) {
    java.util.ArrayList<FaultSchedule.Timed> all = new java.util.ArrayList<>(list);
    all.add(extra);
    return all;
  }
}

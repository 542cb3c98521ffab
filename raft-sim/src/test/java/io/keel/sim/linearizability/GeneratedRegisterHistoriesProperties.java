package io.keel.sim.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.sim.linearizability.RegisterHistoryGenerator.Anomaly;
import io.keel.sim.linearizability.RegisterHistoryGenerator.Settings;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Histories of a simulated atomic register with random concurrency always pass; the same with an
 * injected anomaly always fail, on the key the anomaly was injected on.
 */
class GeneratedRegisterHistoriesProperties {

  private static final LinearizabilityChecker CHECKER =
      new LinearizabilityChecker(CheckLimits.withTimeout(Duration.ofSeconds(30)));

  @AfterContainer
  static void stopChecker() {
    CHECKER.close();
  }

  private static CheckResult generateAndCheck(Settings settings) throws Exception {
    StringWriter out = new StringWriter();
    RegisterHistoryGenerator.generate(settings, out);
    History history = HistoryReader.read(
        new BufferedReader(new StringReader(out.toString())), "seed " + settings.seed());
    assertTrue(history.invocationCount() >= settings.operations());
    return CHECKER.check(history);
  }

  @Property(tries = 150)
  void whenRegisterIsAtomic_thenHistoryIsLinearizable(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 12) int processes,
      @ForAll @IntRange(min = 1, max = 4) int keys,
      @ForAll @IntRange(min = 0, max = 400) int operations,
      @ForAll @DoubleRange(min = 0, max = 0.3) double infoProbability) throws Exception {
    Settings settings = new Settings(
        operations, keys, processes, seed, infoProbability, 1000, Anomaly.NONE);
    CheckResult result = generateAndCheck(settings);
    assertEquals(Verdict.LINEARIZABLE, result.verdict(), result::toString);
  }

  @Property(tries = 150)
  void whenAnomalyIsInjected_thenHistoryIsNotLinearizable(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 12) int processes,
      @ForAll @IntRange(min = 1, max = 4) int keys,
      @ForAll @IntRange(min = 10, max = 400) int operations,
      @ForAll @DoubleRange(min = 0, max = 0.3) double infoProbability,
      @ForAll Anomaly anomaly) throws Exception {
    if (anomaly == Anomaly.NONE) {
      anomaly = Anomaly.STALE_READ;
    }
    Settings settings = new Settings(
        operations, keys, processes, seed, infoProbability, 1000, anomaly);
    CheckResult result = generateAndCheck(settings);
    assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), result::toString);
    assertEquals(1, result.failedKeys().size(), "only the key of the anomaly is wrong");
  }
}

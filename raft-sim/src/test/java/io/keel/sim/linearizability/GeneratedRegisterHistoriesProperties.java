package io.keel.sim.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.sim.linearizability.RegisterHistoryGenerator.Anomaly;
import io.keel.sim.linearizability.RegisterHistoryGenerator.Settings;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Histories of a simulated atomic register with random concurrency always pass; the same with an
 * injected anomaly always fail, on the key the anomaly was injected on, with a minimal core.
 */
class GeneratedRegisterHistoriesProperties {

  private static final LinearizabilityChecker CHECKER =
      new LinearizabilityChecker(CheckLimits.withTimeout(Duration.ofSeconds(30)));

  @AfterContainer
  static void stopChecker() {
    CHECKER.close();
  }

  private static History generatedHistory(Settings settings) throws Exception {
    StringWriter out = new StringWriter();
    RegisterHistoryGenerator.generate(settings, out);
    return HistoryReader.read(
        new BufferedReader(new StringReader(out.toString())), "seed " + settings.seed());
  }

  private static CheckResult generateAndCheck(Settings settings) throws Exception {
    History history = generatedHistory(settings);
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
    Counterexample counterexample = result.failedKeys().get(0).counterexample();
    Statistics.label("core size").collect(counterexample.core().size());
    assertCoreIsMinimalProof(generatedHistory(settings), counterexample);
  }

  /**
   * The core alone, with every other operation of the key weakened to "may have happened", still
   * fails; and weakening any one operation of the core as well makes it pass.
   */
  private static void assertCoreIsMinimalProof(History history, Counterexample counterexample) {
    assertTrue(counterexample.coreIsMinimal());
    List<Operation> operations = history.operationsByKey().get(counterexample.key());
    Set<Integer> core = new HashSet<>();
    counterexample.core().forEach(operation -> core.add(operation.id()));
    assertEquals(Verdict.NOT_LINEARIZABLE, checkWithOnlyOk(operations, core));
    for (int left : core) {
      Set<Integer> smaller = new HashSet<>(core);
      smaller.remove(left);
      assertEquals(Verdict.LINEARIZABLE, checkWithOnlyOk(operations, smaller),
          "core operation " + left + " is not needed");
    }
  }

  private static Verdict checkWithOnlyOk(List<Operation> operations, Set<Integer> okIds) {
    List<Operation> weakened = new ArrayList<>();
    for (Operation operation : operations) {
      if (okIds.contains(operation.id()) || !operation.isOk()) {
        weakened.add(operation);
      } else if (operation.kind() != OperationKind.READ) {
        weakened.add(new Operation(operation.id(), operation.process(), operation.kind(),
            operation.key(), operation.value(), operation.expected(), operation.invokeNanos(),
            Operation.UNKNOWN_COMPLETION_NANOS, EventType.INFO, operation.invokeLine(), 0));
      }
    }
    String key = operations.get(0).key();
    return CHECKER.check(new History("weakened", weakened.size(), Map.of(key, weakened)))
        .verdict();
  }
}

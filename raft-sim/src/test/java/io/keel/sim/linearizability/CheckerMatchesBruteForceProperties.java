package io.keel.sim.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.sim.linearizability.RandomSmallHistory.Op;
import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/** The checker and a brute-force checker agree on every small random history. */
class CheckerMatchesBruteForceProperties {

  private static final LinearizabilityChecker CHECKER =
      new LinearizabilityChecker(CheckLimits.withTimeout(Duration.ofSeconds(10)));

  @AfterContainer
  static void stopChecker() {
    CHECKER.close();
  }

  @Property(tries = 10000)
  void checkerAgreesWithBruteForce(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4) int processes,
      @ForAll @IntRange(min = 1, max = 2) int keys,
      @ForAll @IntRange(min = 1, max = 10) int operations,
      @ForAll boolean mutate) throws Exception {
    List<Op> ops = RandomSmallHistory.generate(seed, processes, keys, operations, mutate);
    boolean expected = BruteForceChecker.isLinearizable(ops);
    // Through the text format, so that the writer and the reader are part of what is compared.
    StringBuilder text = new StringBuilder();
    for (HistoryEvent event : RandomSmallHistory.events(ops)) {
      text.append(HistoryJson.format(event)).append('\n');
    }
    History history =
        HistoryReader.read(new BufferedReader(new StringReader(text.toString())), "random");
    CheckResult result = CHECKER.check(history);
    Statistics.label("verdict").collect(result.verdict());
    boolean anyUnknownOutcome = ops.stream().anyMatch(op ->
        op.ending() == RandomSmallHistory.Ending.INFO
            || op.ending() == RandomSmallHistory.Ending.NEVER);
    Statistics.label("has info or never-completed operations").collect(anyUnknownOutcome);
    Statistics.label("verdict").coverage(coverage -> {
      coverage.check(Verdict.LINEARIZABLE).percentage(percent -> percent > 20);
      coverage.check(Verdict.NOT_LINEARIZABLE).percentage(percent -> percent > 20);
    });
    Statistics.label("has info or never-completed operations")
        .coverage(coverage -> coverage.check(true).percentage(percent -> percent > 30));
    assertEquals(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE, result.verdict(),
        () -> "history:\n" + text);
  }
}

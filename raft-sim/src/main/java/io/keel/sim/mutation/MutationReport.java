package io.keel.sim.mutation;

import java.util.List;
import java.util.Locale;

/** The mutation score's lines: one per mutant, then the totals. */
final class MutationReport {

  private MutationReport() {}

  /** One mutant's line: caught or missed, seeds to catch, checker, first failing seed, rule. */
  static String line(MutantOutcome outcome) {
    String tests = outcome.caughtByCoreTests() == null ? ""
        : outcome.caughtByCoreTests() ? "  core tests: caught" : "  core tests: missed";
    if (!outcome.caught()) {
      return String.format(Locale.ROOT, "MISSED  %-36s after %,6d seeds%s  (%s)  [%.0f s]", outcome.mutant().name(),
          outcome.seedsToCatch(), tests, outcome.mutant().rule(), outcome.wallSeconds());
    }
    return String.format(Locale.ROOT, "caught  %-36s in %,6d seeds by %s (%s)%s  [%.0f s]%n          %s",
        outcome.mutant().name(), outcome.seedsToCatch(), outcome.checker(), outcome.firstFailure(), tests,
        outcome.wallSeconds(), abbreviate(outcome.violation()));
  }

  /** The totals: caught N of M, the median seeds to catch, and the combined score if the core's tests ran. */
  static String summary(List<MutantOutcome> outcomes) {
    long caught = outcomes.stream().filter(MutantOutcome::caught).count();
    long[] seeds = outcomes.stream().filter(MutantOutcome::caught).mapToLong(MutantOutcome::seedsToCatch)
        .sorted().toArray();
    String median = seeds.length == 0 ? "-" : Long.toString(seeds[(seeds.length - 1) / 2]);
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "caught %d of %d (%.0f %%) by the simulator alone; median seeds to catch %s, most %s",
        caught, outcomes.size(), 100.0 * caught / Math.max(1, outcomes.size()), median,
        seeds.length == 0 ? "-" : Long.toString(seeds[seeds.length - 1])));
    if (outcomes.stream().allMatch(o -> o.caughtByCoreTests() != null)) {
      long combined = outcomes.stream().filter(o -> o.caught() || o.caughtByCoreTests()).count();
      long byTests = outcomes.stream().filter(MutantOutcome::caughtByCoreTests).count();
      text.append(String.format(Locale.ROOT, "%ncaught %d of %d by the core's tests; %d of %d (%.0f %%) combined",
          byTests, outcomes.size(), combined, outcomes.size(), 100.0 * combined / Math.max(1, outcomes.size())));
    }
    return text.toString();
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 197) + "...";
  }
}

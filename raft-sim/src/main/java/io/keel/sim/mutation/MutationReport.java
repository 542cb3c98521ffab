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
    Mutant mutant = outcome.mutant();
    if (!outcome.caught()) {
      return String.format(Locale.ROOT, "%s  %-36s after %,6d seeds%s  (%s)  [%.0f s]",
          mutant.equivalent() ? "equiv " : "MISSED", mutant.name(), outcome.seedsToCatch(), tests,
          mutant.equivalent() ? "argued equivalent: " + mutant.equivalentBecause() : mutant.rule(),
          outcome.wallSeconds());
    }
    return String.format(Locale.ROOT, "caught  %-36s in %,6d seeds by %s (%s)%s  [%.0f s]%n          %s%s",
        mutant.name(), outcome.seedsToCatch(), outcome.checker(), outcome.firstFailure(), tests,
        outcome.wallSeconds(), abbreviate(outcome.violation()),
        mutant.equivalent() ? "%n          NOT EQUIVALENT after all: the catalogue's argument is wrong".formatted() : "");
  }

  /**
   * The totals over the mutants that are real bugs (those argued equivalent are counted apart):
   * caught N of M, the median seeds to catch, and the combined score if the core's tests ran.
   */
  static String summary(List<MutantOutcome> outcomes) {
    List<MutantOutcome> bugs = outcomes.stream().filter(o -> !o.mutant().equivalent()).toList();
    long equivalents = outcomes.size() - bugs.size();
    long caught = bugs.stream().filter(MutantOutcome::caught).count();
    long[] seeds = bugs.stream().filter(MutantOutcome::caught).mapToLong(MutantOutcome::seedsToCatch).sorted()
        .toArray();
    String median = seeds.length == 0 ? "-" : Long.toString(seeds[(seeds.length - 1) / 2]);
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "caught %d of %d (%.0f %%) by the simulator alone; median seeds to catch %s, most %s; "
            + "%d more argued equivalent, %d of them caught",
        caught, bugs.size(), 100.0 * caught / Math.max(1, bugs.size()), median,
        seeds.length == 0 ? "-" : Long.toString(seeds[seeds.length - 1]), equivalents,
        outcomes.stream().filter(o -> o.mutant().equivalent() && o.caught()).count()));
    if (bugs.stream().allMatch(o -> o.caughtByCoreTests() != null)) {
      long combined = bugs.stream().filter(o -> o.caught() || o.caughtByCoreTests()).count();
      long byTests = bugs.stream().filter(MutantOutcome::caughtByCoreTests).count();
      text.append(String.format(Locale.ROOT, "%ncaught %d of %d by the core's tests; %d of %d (%.0f %%) combined",
          byTests, bugs.size(), combined, bugs.size(), 100.0 * combined / Math.max(1, bugs.size())));
    }
    return text.toString();
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 197) + "...";
  }
}

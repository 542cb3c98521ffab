package io.keel.sim.mutation;

/**
 * What one mutant's run found.
 *
 * @param mutant the mutant
 * @param caught whether a seed failed
 * @param seedsToCatch how many seeds ran up to and including the first failing one (every seed of
 *     the budget if none failed)
 * @param firstFailure the first failing seed's command options and seed, or null
 * @param violation the property the first failing seed broke, and how, or null
 * @param caughtByCoreTests whether the core's own tests fail on the mutant (null if not run)
 * @param wallSeconds how long the mutant took
 */
public record MutantOutcome(Mutant mutant, boolean caught, long seedsToCatch, String firstFailure,
    String violation, Boolean caughtByCoreTests, double wallSeconds) {

  /** The property (checker) that fired, the text of the violation before its first colon. */
  public String checker() {
    if (violation == null) {
      return "-";
    }
    int colon = violation.indexOf(':');
    return colon < 0 ? violation : violation.substring(0, colon);
  }
}

package io.keel.sim.linearizability;

/**
 * The verdict on one key.
 *
 * @param key the key
 * @param verdict linearizable, not linearizable, or unknown
 * @param operationCount operations the search had to place (after dropping unobservable ones)
 * @param counterexample why the key is not linearizable; null for any other verdict
 * @param unknownReason which bound was hit; null unless the verdict is unknown
 * @param memoEntries configurations the search memoized, a measure of its work
 */
public record KeyResult(
    String key,
    Verdict verdict,
    int operationCount,
    Counterexample counterexample,
    String unknownReason,
    long memoEntries) {

  /** Checks that the details match the verdict. */
  public KeyResult {
    if ((verdict == Verdict.NOT_LINEARIZABLE) != (counterexample != null)) {
      throw new IllegalArgumentException("a counterexample comes with not_linearizable only");
    }
    if ((verdict == Verdict.UNKNOWN) != (unknownReason != null)) {
      throw new IllegalArgumentException("a reason comes with unknown only");
    }
    if (verdict == Verdict.BAD_INPUT) {
      throw new IllegalArgumentException("a key's history is never bad input on its own");
    }
  }
}

package io.keel.sim.linearizability;

import java.util.List;

/**
 * The verdict on one history.
 *
 * <p>The history is linearizable only if every key is. It is not linearizable if any key is not,
 * whatever the others say, because one key's counterexample is proof. Otherwise, if any key's
 * search hit a bound, the verdict is unknown.
 *
 * @param source the file the history came from
 * @param verdict the verdict on the whole history
 * @param invocationCount operations invoked, failed ones included; 0 for bad input
 * @param keyCount distinct keys; 0 for bad input
 * @param elapsedMillis wall-clock time of the check, parsing included
 * @param failedKeys the keys that are not linearizable, with their counterexamples, by key name
 * @param unknownKeys the keys whose search hit a bound, by key name
 * @param badInput what is wrong with the input; null unless the verdict is bad input
 */
public record CheckResult(
    String source,
    Verdict verdict,
    int invocationCount,
    int keyCount,
    long elapsedMillis,
    List<KeyResult> failedKeys,
    List<KeyResult> unknownKeys,
    BadHistoryException badInput) {

  /** Copies the lists so that the result is immutable. */
  public CheckResult {
    failedKeys = List.copyOf(failedKeys);
    unknownKeys = List.copyOf(unknownKeys);
    if ((verdict == Verdict.BAD_INPUT) != (badInput != null)) {
      throw new IllegalArgumentException("bad input comes with its exception, and only then");
    }
  }

  /** The result for a history that could not be read. */
  static CheckResult badInput(String source, BadHistoryException problem, long elapsedMillis) {
    return new CheckResult(
        source, Verdict.BAD_INPUT, 0, 0, elapsedMillis, List.of(), List.of(), problem);
  }
}

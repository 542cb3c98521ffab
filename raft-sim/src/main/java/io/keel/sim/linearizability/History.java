package io.keel.sim.linearizability;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed, validated history, with the operations the checker must place grouped by key.
 *
 * @param source where the history came from, for messages
 * @param invocationCount number of operations invoked, including failed ones
 * @param operationsByKey per key, the ok and unknown-outcome operations in invoke order
 */
public record History(
    String source, int invocationCount, Map<String, List<Operation>> operationsByKey) {

  /** Copies the map so that the history is immutable. */
  public History {
    Map<String, List<Operation>> copy = new HashMap<>();
    operationsByKey.forEach((key, operations) -> copy.put(key, List.copyOf(operations)));
    operationsByKey = Map.copyOf(copy);
  }

  /** Number of distinct keys the history touches (keys with only failed operations included). */
  public int keyCount() {
    return operationsByKey.size();
  }
}

package io.keel.sim.linearizability;

import java.util.List;

/**
 * Why one key is not linearizable. The search could order at most the operations of
 * {@code longestLinearizablePrefix}; after them the key holds {@code valueAfterPrefix}, and
 * {@code blocking}, the ok operation that must complete next, cannot be placed together with the
 * operations concurrent with it, whatever the order.
 *
 * @param key the key
 * @param blocking the earliest-completing ok operation the search could not linearize
 * @param concurrent unlinearized operations concurrent with {@code blocking}, at most
 *     {@link #MAX_CONCURRENT_SHOWN} of them, the latest invoked first
 * @param concurrentCount how many there are in all
 * @param longestLinearizablePrefix the longest sequence of operations the search linearized, in
 *     linearization order
 * @param valueAfterPrefix the key's value after that prefix; null if absent
 */
public record Counterexample(
    String key,
    Operation blocking,
    List<Operation> concurrent,
    int concurrentCount,
    List<Operation> longestLinearizablePrefix,
    String valueAfterPrefix) {

  /** How many concurrent operations a counterexample lists. */
  public static final int MAX_CONCURRENT_SHOWN = 16;

  /** Copies the lists so that the counterexample is immutable. */
  public Counterexample {
    concurrent = List.copyOf(concurrent);
    longestLinearizablePrefix = List.copyOf(longestLinearizablePrefix);
  }
}

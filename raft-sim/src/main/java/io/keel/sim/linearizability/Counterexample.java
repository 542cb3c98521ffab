package io.keel.sim.linearizability;

import java.util.List;

/**
 * Why one key is not linearizable, in two complementary forms.
 *
 * <p>The {@code core} is a small set of ok operations that cannot be ordered even if every other
 * operation on the key may have happened at any moment after its invoke, or never: a
 * self-contained proof, usually two to four operations.
 *
 * <p>The search's view: it could order at most the operations of
 * {@code longestLinearizablePrefix}; after them the key holds {@code valueAfterPrefix}, and
 * {@code blocking}, the ok operation that must complete next, cannot be placed together with the
 * operations concurrent with it, whatever the order.
 *
 * @param key the key
 * @param core ok operations that cannot be ordered, in invoke order; if shrinking had no time
 *     left, all the key's ok operations, which are a proof too, only not a small one
 * @param coreIsMinimal whether no operation of the core could be left out (false when shrinking
 *     ran out of time or checks first)
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
    List<Operation> core,
    boolean coreIsMinimal,
    Operation blocking,
    List<Operation> concurrent,
    int concurrentCount,
    List<Operation> longestLinearizablePrefix,
    String valueAfterPrefix) {

  /** How many concurrent operations a counterexample lists. */
  public static final int MAX_CONCURRENT_SHOWN = 16;

  /** Copies the lists so that the counterexample is immutable. */
  public Counterexample {
    core = List.copyOf(core);
    concurrent = List.copyOf(concurrent);
    longestLinearizablePrefix = List.copyOf(longestLinearizablePrefix);
  }

  /** The same counterexample with a core found by shrinking. */
  Counterexample withCore(List<Operation> shrunkCore, boolean minimal) {
    return new Counterexample(key, shrunkCore, minimal, blocking, concurrent, concurrentCount,
        longestLinearizablePrefix, valueAfterPrefix);
  }
}

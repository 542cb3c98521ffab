package io.keel.sim.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds a small core of a key's non-linearizable history: a few ok operations that cannot be
 * ordered even if every other operation is allowed to have happened at any time after its invoke,
 * or not at all. Weakening an operation that way only removes constraints, so a core that still
 * fails is a self-contained proof: these operations alone are contradictory.
 *
 * <p>First it cuts the history at the earliest completion time at which it already fails (a prefix
 * of a linearizable history is linearizable, so a binary search finds it), then it weakens ok
 * operations in halving chunks, as delta debugging does, keeping each weakening after which the
 * history still fails. Every step is a full check, bounded by the caller's deadline and a budget of
 * checks; when either runs out, the core found so far is returned, which is still a valid proof,
 * only not the smallest.
 */
final class CounterexampleShrinker {

  /** The most checks one shrink may run. */
  private static final int MAX_CHECKS = 400;

  private final String key;
  private final long deadlineNanos;
  private final long memoBytesLimit;
  private int checksLeft = MAX_CHECKS;

  private CounterexampleShrinker(String key, long deadlineNanos, long memoBytesLimit) {
    this.key = key;
    this.deadlineNanos = deadlineNanos;
    this.memoBytesLimit = memoBytesLimit;
  }

  /**
   * The ok operations of a core of {@code operations}, in invoke order, and whether no single
   * one of them can be weakened (false when the budget ran out first). {@code operations} must be
   * known not to be linearizable.
   */
  static Core core(
      String key, List<Operation> operations, long deadlineNanos, long memoBytesLimit) {
    CounterexampleShrinker shrinker =
        new CounterexampleShrinker(key, deadlineNanos, memoBytesLimit);
    List<Operation> cut = shrinker.earliestFailingCut(operations);
    List<Operation> core = shrinker.weakenWhatIsNotNeeded(cut);
    List<Operation> okOperations = new ArrayList<>();
    for (Operation operation : core) {
      if (operation.isOk()) {
        okOperations.add(operation);
      }
    }
    okOperations.sort(Comparator.comparingLong(Operation::invokeNanos));
    return new Core(okOperations, !shrinker.outOfBudget());
  }

  /** The ok operations of a core, and whether it is minimal (none can be weakened). */
  record Core(List<Operation> operations, boolean minimal) {}

  /** The history as it stood at the earliest ok completion time at which it already fails. */
  private List<Operation> earliestFailingCut(List<Operation> operations) {
    List<Long> completions = new ArrayList<>();
    for (Operation operation : operations) {
      if (operation.isOk()) {
        completions.add(operation.completeNanos());
      }
    }
    completions.sort(null);
    int low = 0;
    int high = completions.size() - 1;
    List<Operation> failing = operations;
    while (low < high) {
      int middle = (low + high) >>> 1;
      List<Operation> cut = cutAt(operations, completions.get(middle));
      if (fails(cut)) {
        failing = cut;
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return failing;
  }

  /**
   * The history an observer would have recorded up to {@code timeNanos}: later invokes are absent,
   * and operations still running then have an unknown outcome.
   */
  private static List<Operation> cutAt(List<Operation> operations, long timeNanos) {
    List<Operation> cut = new ArrayList<>();
    for (Operation operation : operations) {
      if (operation.invokeNanos() > timeNanos) {
        continue;
      }
      if (operation.isOk() && operation.completeNanos() > timeNanos) {
        weaken(operation, cut);
      } else {
        cut.add(operation);
      }
    }
    return cut;
  }

  /** Weakens ok operations in chunks that halve, keeping every weakening that still fails. */
  private List<Operation> weakenWhatIsNotNeeded(List<Operation> operations) {
    List<Operation> current = operations;
    List<Operation> okOperations = okInCompletionOrder(current);
    int chunk = Math.max(1, okOperations.size() / 2);
    while (true) {
      for (int start = 0; start < okOperations.size(); start += chunk) {
        List<Operation> chunkOperations =
            okOperations.subList(start, Math.min(okOperations.size(), start + chunk));
        List<Operation> weakened = weakenAll(current, chunkOperations);
        if (fails(weakened)) {
          current = weakened;
        }
        if (outOfBudget()) {
          return current;
        }
      }
      okOperations = okInCompletionOrder(current);
      if (chunk == 1) {
        return current;
      }
      chunk = Math.max(1, chunk / 2);
    }
  }

  private static List<Operation> okInCompletionOrder(List<Operation> operations) {
    List<Operation> ok = new ArrayList<>();
    for (Operation operation : operations) {
      if (operation.isOk()) {
        ok.add(operation);
      }
    }
    ok.sort(Comparator.comparingLong(Operation::completeNanos));
    return ok;
  }

  private static List<Operation> weakenAll(List<Operation> operations, List<Operation> toWeaken) {
    Set<Integer> ids = new HashSet<>();
    for (Operation operation : toWeaken) {
      ids.add(operation.id());
    }
    List<Operation> result = new ArrayList<>(operations.size());
    for (Operation operation : operations) {
      if (ids.contains(operation.id())) {
        weaken(operation, result);
      } else {
        result.add(operation);
      }
    }
    return result;
  }

  /** Adds the operation with an unknown outcome; a read of unknown outcome is dropped instead. */
  private static void weaken(Operation operation, List<Operation> into) {
    if (operation.kind() == OperationKind.READ) {
      return;
    }
    into.add(new Operation(operation.id(), operation.process(), operation.kind(), operation.key(),
        operation.value(), operation.expected(), operation.invokeNanos(),
        Operation.UNKNOWN_COMPLETION_NANOS, EventType.INFO, operation.invokeLine(),
        operation.completionLine()));
  }

  /** Whether the history certainly fails; a check that hits a bound counts as not failing. */
  private boolean fails(List<Operation> operations) {
    if (outOfBudget()) {
      return false;
    }
    checksLeft--;
    KeyResult result =
        KeySearch.check(KeyHistory.prepare(key, operations), deadlineNanos, memoBytesLimit);
    return result.verdict() == Verdict.NOT_LINEARIZABLE;
  }

  private boolean outOfBudget() {
    return checksLeft <= 0 || System.nanoTime() - deadlineNanos > 0;
  }
}

package io.keel.sim.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks one key's history: Wing and Gong's search for a linearization, with Lowe's just-in-time
 * linearization and memo of configurations (Lowe, "Testing for Linearizability", 2017).
 *
 * <p>The search walks the entry list from the front. At a call entry it tries to linearize that
 * operation now: if the register allows it and the resulting configuration (set of linearized
 * operations, value) is new, it pushes the operation on the undo stack, lifts its entries out of
 * the list and starts again from the front. At a return entry, the operation returning was not
 * linearized before its completion, so the last choice was wrong: it pops that choice, puts the
 * entries back and tries the next call after it. The search succeeds when every ok operation is
 * linearized; operations of unknown outcome have no return entry, so they are linearized when that
 * helps and are otherwise left out, which is exactly "took effect at some moment, or never". It
 * fails when a return entry is reached with nothing left to undo.
 */
final class KeySearch {

  /** The clock is read once per this many steps, to keep the inner loop cheap. */
  private static final int STEPS_PER_DEADLINE_CHECK = 4096;
  /**
   * When the memo is full, configurations whose sets are complete only more than this many words
   * (64 operations each) behind the current one are forgotten.
   */
  private static final int FORGET_LAG_WORDS = 4;

  private final KeyHistory history;
  private final EntryList entries;
  private final LinearizedSet linearized;
  private final ConfigurationMemo memo = new ConfigurationMemo();
  private final long deadlineNanos;
  private final long memoBytesLimit;

  /** The undo stack: operations linearized on the current path and the value before each. */
  private final int[] stackOperations;
  private final int[] stackStates;
  private int depth;

  /** The deepest stack seen so far, and how much of it the current stack still shares. */
  private final int[] longestPrefix;
  private int longestPrefixLength;
  private int sharedWithLongest;

  private KeySearch(KeyHistory history, long deadlineNanos, long memoBytesLimit) {
    this.history = history;
    this.entries = new EntryList(history);
    this.linearized = new LinearizedSet(history.operationCount(), history.key.hashCode());
    this.deadlineNanos = deadlineNanos;
    this.memoBytesLimit = memoBytesLimit;
    int operationCount = history.operationCount();
    this.stackOperations = new int[operationCount];
    this.stackStates = new int[operationCount];
    this.longestPrefix = new int[operationCount];
  }

  /** Checks the key's history, giving up with unknown at the deadline or the memo budget. */
  static KeyResult check(KeyHistory history, long deadlineNanos, long memoBytesLimit) {
    return new KeySearch(history, deadlineNanos, memoBytesLimit).run();
  }

  private KeyResult run() {
    int okRemaining = 0;
    for (int op = 0; op < history.operationCount(); op++) {
      okRemaining += history.isOk(op) ? 1 : 0;
    }
    int state = KeyHistory.ABSENT;
    int entry = entries.first();
    long steps = 0;
    while (okRemaining > 0) {
      if (steps++ % STEPS_PER_DEADLINE_CHECK == 0 && System.nanoTime() - deadlineNanos > 0) {
        return unknown("time bound reached after " + steps + " search steps");
      }
      if (entry == entries.tail) {
        // An unlinearized ok operation always has its return entry ahead, so the walk stops there.
        throw new IllegalStateException("search ran past the last entry of key " + history.key);
      }
      if (entries.isCall(entry)) {
        int op = entries.operation(entry);
        int after = history.step(state, op);
        if (after != KeyHistory.ILLEGAL) {
          linearized.add(op);
          if (memo.add(linearized, after)) {
            if (memo.bytes() > memoBytesLimit && !forgetConfigurationsFarBehind()) {
              return unknown("memo bound of " + (memoBytesLimit >> 20) + " MiB reached with "
                  + memo.size() + " configurations");
            }
            push(op, state);
            state = after;
            entries.lift(op);
            okRemaining -= history.isOk(op) ? 1 : 0;
            entry = entries.first();
            continue;
          }
          linearized.remove(op);
        }
        entry = entries.next(entry);
      } else {
        if (depth == 0) {
          return notLinearizable();
        }
        int op = pop();
        state = stackStates[depth];
        linearized.remove(op);
        entries.unlift(op);
        okRemaining += history.isOk(op) ? 1 : 0;
        entry = entries.next(entries.callEntryOf(op));
      }
    }
    return new KeyResult(
        history.key, Verdict.LINEARIZABLE, history.operationCount(), null, null, memo.size());
  }

  /**
   * Makes room in a full memo by forgetting configurations far behind the current one, which a
   * long but tame history never revisits. Says whether that freed at least half of the budget; if
   * not, the configurations near the frontier alone fill the memo: the history is too concurrent.
   */
  private boolean forgetConfigurationsFarBehind() {
    memo.forgetBehind(linearized.fullPrefixWords() - FORGET_LAG_WORDS);
    return memo.bytes() <= memoBytesLimit / 2;
  }

  private void push(int op, int stateBefore) {
    stackOperations[depth] = op;
    stackStates[depth] = stateBefore;
    if (depth == sharedWithLongest && depth < longestPrefixLength && longestPrefix[depth] == op) {
      sharedWithLongest++;
    }
    depth++;
    if (depth > longestPrefixLength) {
      // Only the part that differs is copied, so tracking the prefix costs O(1) per step on the
      // long, nearly sequential paths typical of real histories.
      System.arraycopy(
          stackOperations, sharedWithLongest, longestPrefix, sharedWithLongest,
          depth - sharedWithLongest);
      longestPrefixLength = depth;
      sharedWithLongest = depth;
    }
  }

  private int pop() {
    depth--;
    if (sharedWithLongest > depth) {
      sharedWithLongest = depth;
    }
    return stackOperations[depth];
  }

  private KeyResult unknown(String reason) {
    return new KeyResult(
        history.key, Verdict.UNKNOWN, history.operationCount(), null, reason, memo.size());
  }

  /**
   * Builds the counterexample from the longest prefix: the first ok operation left out of it that
   * completes earliest is the one that could not be placed, and the operations concurrent with
   * it are those it could not be ordered with.
   */
  private KeyResult notLinearizable() {
    int operationCount = history.operationCount();
    boolean[] inPrefix = new boolean[operationCount];
    List<Operation> prefix = new ArrayList<>(longestPrefixLength);
    int state = KeyHistory.ABSENT;
    for (int i = 0; i < longestPrefixLength; i++) {
      int op = longestPrefix[i];
      inPrefix[op] = true;
      prefix.add(history.operations[op]);
      state = history.step(state, op);
      assert state != KeyHistory.ILLEGAL : "the longest prefix must be a legal sequence";
    }
    int blocking = -1;
    for (int op = 0; op < operationCount; op++) {
      if (!inPrefix[op] && history.isOk(op)
          && (blocking < 0 || entries.returnEntryOf(op) < entries.returnEntryOf(blocking))) {
        blocking = op;
      }
    }
    if (blocking < 0) {
      throw new IllegalStateException("search failed with every ok operation linearized");
    }
    Operation blockingOperation = history.operations[blocking];
    List<Operation> concurrent = new ArrayList<>();
    for (int op = 0; op < operationCount; op++) {
      Operation other = history.operations[op];
      if (!inPrefix[op] && op != blocking
          && other.invokeNanos() <= blockingOperation.completeNanos()
          && other.completeNanos() >= blockingOperation.invokeNanos()) {
        concurrent.add(other);
      }
    }
    concurrent.sort(Comparator.comparingLong(Operation::invokeNanos).reversed());
    List<Operation> shown =
        concurrent.subList(0, Math.min(concurrent.size(), Counterexample.MAX_CONCURRENT_SHOWN));
    Counterexample counterexample = new Counterexample(history.key, List.of(), false,
        blockingOperation, shown, concurrent.size(), prefix, history.valueOf(state));
    return new KeyResult(
        history.key, Verdict.NOT_LINEARIZABLE, operationCount, counterexample, null, memo.size());
  }
}

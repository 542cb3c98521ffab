package io.keel.sim.linearizability;

import java.util.Arrays;

/**
 * The history of one key as a doubly linked list of call and return entries in time order, where
 * linearizing an operation "lifts" its two entries out and backtracking puts them back (Knuth's
 * dancing links, used by Lowe's algorithm). Lifts and restores happen in stack order, which is
 * what makes a restore a constant-time relinking.
 *
 * <p>At equal times, calls come before returns: two operations whose intervals only touch are
 * treated as concurrent, because a clock reading cannot say which of them happened first.
 */
final class EntryList {

  /** The sentinel before the first entry. */
  static final int HEAD = 0;

  /** The sentinel after the last entry. */
  final int tail;
  private final int[] next;
  private final int[] previous;
  /** For each entry, its operation; negative ({@code -1 - op}) for a return entry. */
  private final int[] entryOperation;
  private final int[] callEntry;
  private final int[] returnEntry;

  EntryList(KeyHistory history) {
    int operationCount = history.operationCount();
    int entryCount = 0;
    for (int op = 0; op < operationCount; op++) {
      entryCount += history.isOk(op) ? 2 : 1;
    }
    Entry[] entries = new Entry[entryCount];
    int filled = 0;
    for (int op = 0; op < operationCount; op++) {
      Operation operation = history.operations[op];
      entries[filled++] = new Entry(operation.invokeNanos(), false, op);
      if (operation.isOk()) {
        entries[filled++] = new Entry(operation.completeNanos(), true, op);
      }
    }
    Arrays.sort(entries);
    tail = entryCount + 1;
    next = new int[entryCount + 2];
    previous = new int[entryCount + 2];
    entryOperation = new int[entryCount + 2];
    callEntry = new int[operationCount];
    returnEntry = new int[operationCount];
    Arrays.fill(returnEntry, -1);
    for (int i = 0; i < entryCount; i++) {
      int entry = i + 1;
      Entry sorted = entries[i];
      entryOperation[entry] = sorted.isReturn ? -1 - sorted.operation : sorted.operation;
      if (sorted.isReturn) {
        returnEntry[sorted.operation] = entry;
      } else {
        callEntry[sorted.operation] = entry;
      }
    }
    for (int entry = 0; entry <= tail; entry++) {
      next[entry] = Math.min(entry + 1, tail);
      previous[entry] = Math.max(entry - 1, HEAD);
    }
  }

  int first() {
    return next[HEAD];
  }

  int next(int entry) {
    return next[entry];
  }

  boolean isCall(int entry) {
    return entryOperation[entry] >= 0;
  }

  /** The operation of a call or return entry. */
  int operation(int entry) {
    int coded = entryOperation[entry];
    return coded >= 0 ? coded : -1 - coded;
  }

  int callEntryOf(int operation) {
    return callEntry[operation];
  }

  /** The return entry of an operation, or -1 if its outcome is unknown (it has none). */
  int returnEntryOf(int operation) {
    return returnEntry[operation];
  }

  /** Removes the operation's call and return entries. */
  void lift(int operation) {
    unlink(callEntry[operation]);
    if (returnEntry[operation] >= 0) {
      unlink(returnEntry[operation]);
    }
  }

  /** Undoes the most recent {@link #lift} still in effect, which must be of this operation. */
  void unlift(int operation) {
    if (returnEntry[operation] >= 0) {
      relink(returnEntry[operation]);
    }
    relink(callEntry[operation]);
  }

  private void unlink(int entry) {
    next[previous[entry]] = next[entry];
    previous[next[entry]] = previous[entry];
  }

  private void relink(int entry) {
    next[previous[entry]] = entry;
    previous[next[entry]] = entry;
  }

  /** An entry before the list is linked: ordered by time, calls first, then by operation. */
  private record Entry(long timeNanos, boolean isReturn, int operation)
      implements Comparable<Entry> {
    @Override
    public int compareTo(Entry other) {
      int byTime = Long.compare(timeNanos, other.timeNanos);
      if (byTime != 0) {
        return byTime;
      }
      int byType = Boolean.compare(isReturn, other.isReturn);
      return byType != 0 ? byType : Integer.compare(operation, other.operation);
    }
  }
}

package io.keel.raft.protocol;

import io.keel.raft.LogEntry;
import io.keel.raft.LogStore;
import java.util.List;

/**
 * The node's view of its {@link LogStore}: the entries, plus how far they are durable. Everything
 * the store holds when the node starts is durable; after that only the store's reports advance the
 * durable index, and a truncation pulls it back.
 *
 * <p>Invariant: {@code durableIndex <= lastIndex()}.
 */
final class RaftLog {

  private final LogStore store;
  private long durableIndex;

  RaftLog(LogStore store) {
    this.store = store;
    this.durableIndex = store.lastIndex();
  }

  long firstIndex() {
    return store.firstIndex();
  }

  long lastIndex() {
    return store.lastIndex();
  }

  long lastTerm() {
    return store.term(store.lastIndex());
  }

  long term(long index) {
    return store.term(index);
  }

  long durableIndex() {
    return durableIndex;
  }

  /** Whether the log holds an entry at {@code index} with {@code term} (index 0 always matches). */
  boolean matches(long index, long term) {
    return index >= store.firstIndex() - 1 && index <= store.lastIndex() && store.term(index) == term;
  }

  /** Whether a log ending at {@code lastIndex}@{@code lastTerm} is at least as up-to-date as this one (§5.4.1). */
  boolean isUpToDate(long lastIndex, long lastTerm) {
    long myLastTerm = lastTerm();
    return lastTerm > myLastTerm || (lastTerm == myLastTerm && lastIndex >= lastIndex());
  }

  /** Entries from {@code fromIndex}, at most {@code maxEntries} and about {@code maxBytes}. */
  List<LogEntry> entriesFrom(long fromIndex, int maxEntries, long maxBytes) {
    long toIndex = Math.min(lastIndex() + 1, fromIndex + maxEntries);
    if (fromIndex >= toIndex) {
      return List.of();
    }
    return store.entries(fromIndex, toIndex, maxBytes);
  }

  void append(List<LogEntry> entries) {
    store.append(entries);
  }

  /** Removes the suffix from {@code fromIndex}; what was durable there no longer counts. */
  void truncateSuffix(long fromIndex) {
    store.truncateSuffix(fromIndex);
    durableIndex = Math.min(durableIndex, fromIndex - 1);
  }

  /**
   * The store reports entries up to {@code index}@{@code term} durable. A report about an entry
   * that has since been truncated away (its index now holds another term, or nothing) is ignored.
   *
   * @return whether the durable index advanced
   */
  boolean onDurable(long index, long term) {
    if (index <= durableIndex || !matches(index, term)) {
      return false;
    }
    durableIndex = index;
    return true;
  }

  /**
   * The first index of the run of entries with {@code term} that ends at or after
   * {@code atIndex}, where {@code term(atIndex) == term}. Terms never decrease along the log, so
   * this is a binary search.
   */
  long firstIndexOfTerm(long term, long atIndex) {
    long low = store.firstIndex();
    long high = atIndex;
    while (low < high) {
      long middle = low + (high - low) / 2;
      if (store.term(middle) < term) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  /** The largest index at most {@code atIndex} whose term is at most {@code term} (0 if none). */
  long lastIndexWithTermAtMost(long term, long atIndex) {
    long low = store.firstIndex() - 1;
    long high = Math.min(atIndex, lastIndex());
    if (store.term(low) > term) {
      return low;
    }
    while (low < high) {
      long middle = low + (high - low + 1) / 2;
      if (store.term(middle) <= term) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  void checkInvariants() {
    if (durableIndex > lastIndex()) {
      throw new IllegalStateException("durable index " + durableIndex + " beyond last index " + lastIndex());
    }
  }
}

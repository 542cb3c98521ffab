package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.EntryType;
import io.keel.raft.LogEntry;
import io.keel.raft.LogStore;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The node's view of its {@link LogStore}: the entries, plus how far they are durable. Everything
 * the store holds when the node starts is durable; after that only the store's reports advance the
 * durable index, and a truncation pulls it back.
 *
 * <p>A durability report covers the writes made before it: while a truncation made after those
 * writes is not yet durable, the log beyond it holds entries the report does not cover, even where
 * an entry of the same index and term was written again (docs/architecture.md, rule 6). So the log
 * remembers the truncations not yet covered by a report.
 *
 * <p>Every append, truncation and compaction goes through here, so the log also keeps its
 * {@link ConfigurationLog} in step: the configuration in force is always the newest in the log.
 *
 * <p>Invariant: {@code durableIndex <= lastIndex()}.
 */
final class RaftLog {

  /** A truncation made by the write numbered {@code sequence}, removing entries from {@code fromIndex}. */
  private record Truncation(long sequence, long fromIndex) {}

  /** How many bytes of entries to read at a time when scanning the log for configurations. */
  private static final long SCAN_BATCH_BYTES = 4 << 20;

  private final LogStore store;
  private final ArrayDeque<Truncation> uncoveredTruncations = new ArrayDeque<>();
  private final ConfigurationLog configurations;
  private long durableIndex;

  /**
   * The node's log as {@code store} holds it, whose configuration at {@code baseIndex} is
   * {@code base} (from the newest snapshot, or the one the group started with at 0): the entries
   * after it are read once for the configurations they carry.
   */
  RaftLog(LogStore store, long baseIndex, Configuration base) {
    this.store = store;
    this.durableIndex = store.lastIndex();
    this.configurations = new ConfigurationLog(baseIndex, base);
    long next = Math.max(store.firstIndex(), baseIndex + 1);
    while (next <= store.lastIndex()) {
      List<LogEntry> entries = store.entries(next, store.lastIndex() + 1, SCAN_BATCH_BYTES);
      for (LogEntry entry : entries) {
        if (entry.type() == EntryType.CONFIGURATION) {
          configurations.onAppend(List.of(entry));
        }
      }
      next += entries.size();
    }
  }

  /** The configurations this log holds; the newest is in force. */
  ConfigurationLog configurations() {
    return configurations;
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
    configurations.onAppend(entries);
  }

  /** Removes the suffix from {@code fromIndex}; what was durable there no longer counts. */
  void truncateSuffix(long fromIndex) {
    long sequence = store.truncateSuffix(fromIndex);
    configurations.onTruncate(fromIndex);
    uncoveredTruncations.addLast(new Truncation(sequence, fromIndex));
    durableIndex = Math.min(durableIndex, fromIndex - 1);
  }

  /**
   * Discards the log up to {@code index}, which a durable snapshot covers (Figure 13: the entries
   * after it stay only if the log holds {@code index}@{@code term}). Those entries count as durable,
   * being in the snapshot; a log discarded whole counts as truncated after {@code index} until the
   * store reports the compaction durable, so that no earlier report covers later appends.
   */
  void compactPrefix(long index, long term) {
    compactPrefix(index, term, null);
  }

  /**
   * Compacts as {@link #compactPrefix(long, long)}, behind a snapshot through {@code index} whose
   * configuration is {@code configuration}: it becomes the base of the configurations, and the only
   * one if the whole log is discarded.
   */
  void compactBehindSnapshot(long index, long term, Configuration configuration) {
    compactPrefix(index, term, configuration);
  }

  private void compactPrefix(long index, long term, Configuration snapshotConfiguration) {
    boolean keepsSuffix = matches(index, term);
    if (snapshotConfiguration == null && !keepsSuffix) {
      throw new IllegalArgumentException("compacting through " + index + "@" + term + ", which the log does not hold, "
          + "needs the snapshot's configuration");
    }
    if (snapshotConfiguration == null) {
      configurations.onCompact(index);
    } else {
      configurations.onSnapshot(index, snapshotConfiguration, keepsSuffix);
    }
    long sequence = store.compactPrefix(index, term);
    if (!keepsSuffix) {
      uncoveredTruncations.addLast(new Truncation(sequence, index + 1));
      durableIndex = index;
    } else {
      durableIndex = Math.max(durableIndex, index);
    }
  }

  /**
   * The store reports every write up to the one numbered {@code sequence} durable, its durable log
   * ending at {@code index}@{@code term}. The durable index advances to there, but not past any
   * truncation made after those writes: beyond it the log holds entries of later writes.
   *
   * @return whether the durable index advanced
   */
  boolean onDurable(long sequence, long index, long term) {
    while (!uncoveredTruncations.isEmpty() && uncoveredTruncations.peekFirst().sequence() <= sequence) {
      uncoveredTruncations.removeFirst();
    }
    long covered = Math.min(index, lastIndex());
    for (Truncation truncation : uncoveredTruncations) {
      covered = Math.min(covered, truncation.fromIndex() - 1);
    }
    if (covered <= durableIndex) {
      return false;
    }
    if (covered == index && !matches(index, term)) {
      throw new IllegalStateException("the store reported " + index + "@" + term + " durable, but the log holds "
          + (index <= lastIndex() ? index + "@" + term(index) : "nothing") + " there and no truncation explains it");
    }
    durableIndex = covered;
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

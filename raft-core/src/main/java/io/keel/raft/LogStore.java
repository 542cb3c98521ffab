package io.keel.raft;

import java.util.List;

/**
 * The node's log and hard state (current term and vote), as the protocol sees them.
 *
 * <p><b>Writes are asynchronous.</b> {@link #append}, {@link #truncateSuffix},
 * {@link #compactPrefix} and {@link #saveHardState} take effect for reads at once, but become
 * durable later; the store reports durability to the {@link DurabilityListener} its driver gave
 * it, in the order the writes were made. Each log write returns its <em>sequence number</em>,
 * which grows from write to write of the store, and a durability report names the last write it
 * covers: an entry written, truncated away and written again at the same index with the same term
 * is then never taken as durable on the strength of its first write. The protocol acts on durability only (a follower acknowledges, and a leader counts itself
 * in a quorum, only for durable entries), so the store is free to batch many writes into one sync.
 *
 * <p><b>Reads are synchronous</b> and must be cheap: they are served from memory (or the page
 * cache). When a node starts, everything the store holds must be durable: a store opened after a
 * crash holds only what it had reported durable, or more.
 *
 * <p>Indexes are contiguous: the log holds entries {@link #firstIndex()} to {@link #lastIndex()}
 * with no gap; it is empty when {@code lastIndex() == firstIndex() - 1}. The term of index
 * {@code firstIndex() - 1} is known too (0 for index 0), so the consistency check works at the
 * boundary. Calls come from one thread at a time: the node's.
 */
public interface LogStore {

  /** The hard state last saved (durable or not); {@link HardState#INITIAL} for a new store. */
  HardState hardState();

  /** The index of the first entry held; 1 until the log is compacted. */
  long firstIndex();

  /** The index of the last entry held, or {@code firstIndex() - 1} if the log is empty. */
  long lastIndex();

  /**
   * The term of the entry at {@code index}, for {@code firstIndex() - 1 <= index <= lastIndex()};
   * 0 for index 0.
   *
   * @throws IndexOutOfBoundsException outside that range
   */
  long term(long index);

  /**
   * The entry at {@code index}, for {@code firstIndex() <= index <= lastIndex()}.
   *
   * @throws IndexOutOfBoundsException outside that range
   */
  LogEntry entry(long index);

  /**
   * Entries from {@code fromIndex} up to but excluding {@code toIndex}, stopping early once their
   * total {@link LogEntry#sizeBytes()} would exceed {@code maxBytes}; at least one entry is returned
   * if the range is not empty, whatever its size.
   *
   * @throws IndexOutOfBoundsException if the range is not within the log
   */
  List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes);

  /**
   * Appends entries, the first of which must have index {@code lastIndex() + 1}, with consecutive
   * indexes and non-decreasing terms. Durability is reported later.
   *
   * @return the write's sequence number (that of the last write, if {@code entries} is empty)
   * @throws IllegalArgumentException if the entries do not continue the log
   */
  long append(List<LogEntry> entries);

  /**
   * Removes the entries from {@code fromIndex} to the end (a follower's conflicting suffix). Later
   * appends become durable only after this removal does. A crash before it is durable leaves a log
   * that is a prefix of the old one and at least as long as the truncated one: only entries being
   * removed can disappear.
   *
   * @return the write's sequence number (that of the last write, if nothing was removed)
   * @throws IllegalArgumentException unless {@code firstIndex() <= fromIndex <= lastIndex() + 1}
   */
  long truncateSuffix(long fromIndex);

  /** Saves the node's term and vote. Durability is reported later. */
  void saveHardState(HardState state);

  /**
   * Discards the log up to and including {@code index}, which a snapshot now covers; afterwards
   * {@code firstIndex() == index + 1} and {@code term(index) == term}. If the log holds
   * {@code index} with {@code term}, the entries after it are kept; otherwise (the index is beyond
   * the log, or its term differs: a snapshot installed from the leader) the whole log is discarded
   * and restarts after ({@code index}, {@code term}).
   *
   * <p>Compacting below {@code firstIndex() - 1} is a no-op, and so is compacting at
   * {@code firstIndex() - 1} with the term already known there. Like a truncation, the compaction
   * becomes durable before any later append does; a crash may leave it undone, but never half
   * done.
   *
   * @return the write's sequence number (that of the last write, if the call was a no-op)
   * @throws IllegalArgumentException if {@code index} or {@code term} is negative, if
   *     {@code index} is 0 with a term other than 0 or positive with term 0, or if
   *     {@code index == firstIndex() - 1} with a term that contradicts {@code term(index)}
   */
  long compactPrefix(long index, long term);
}

package io.keel.raft.protocol;

import io.keel.raft.LogEntry;
import io.keel.raft.LogStore;
import io.keel.raft.NodeId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The commit index and what lies behind it. Committed entries are handed to the driver in log
 * order, with the futures of the proposals they carry, and the driver applies them to the state
 * machine and reports how far it got ({@link RaftNode#onApplied}); so the applied index here is the
 * state machine's own (Figure 2, "All servers", first rule, with applying done outside).
 *
 * <p>Invariant: {@code appliedIndex <= handedOutIndex <= commitIndex} (or {@code handedOutIndex}
 * is still where the state machine started, ahead of a log that lost entries in a crash), and no more than
 * {@code maxUnappliedBytes} of commands are handed out and not yet applied, beyond the first entry
 * (so that an entry larger than the bound still goes out alone). A batch counts until the
 * driver has applied all of it.
 *
 * @param <R> the state machine's result type
 */
final class CommitQueue<R> {

  private final NodeId id;
  private final LogStore store;
  private final PendingProposals<R> proposals = new PendingProposals<>();
  private final long maxBatchBytes;
  private final long maxUnappliedBytes;
  private long commitIndex;
  /** What the state machine held when the node started: never handed out again. */
  private final long startApplied;
  private long handedOutIndex;
  private long appliedIndex;
  /** Batches handed out and not yet wholly applied: their last index and command bytes. */
  private final ArrayDeque<long[]> unappliedBatches = new ArrayDeque<>();
  private long unappliedBytes;
  /** Whether a snapshot is being installed: nothing is handed out meanwhile. */
  private boolean paused;

  /**
   * A queue whose state machine already holds every entry up to {@code startApplied}: those count
   * as handed out and applied, and are never handed out again. The commit index starts at the
   * log's start (what was compacted away is in a snapshot, so committed) and is learnt again from
   * there: a follower may apply entries its own log has not yet made durable, so
   * after a crash its log can hold other, never committed entries at those indexes, or none; only
   * the leader can say which entries are committed. Nothing is handed out until the commit index
   * passes {@code startApplied}.
   */
  CommitQueue(NodeId id, LogStore store, long maxBatchBytes, long maxUnappliedBytes, long startApplied) {
    if (startApplied < 0 || startApplied < store.firstIndex() - 1) {
      throw new IllegalArgumentException(id + ": the state machine's applied index " + startApplied
          + " is before the log's start " + (store.firstIndex() - 1) + ": the entries between are gone");
    }
    this.id = id;
    this.store = store;
    this.maxBatchBytes = maxBatchBytes;
    this.maxUnappliedBytes = maxUnappliedBytes;
    this.startApplied = startApplied;
    this.handedOutIndex = startApplied;
    this.appliedIndex = startApplied;
    // What the log has compacted away is in a snapshot, so it was committed.
    this.commitIndex = store.firstIndex() - 1;
  }

  long commitIndex() {
    return commitIndex;
  }

  long appliedIndex() {
    return appliedIndex;
  }

  long handedOutIndex() {
    return handedOutIndex;
  }

  PendingProposals<R> proposals() {
    return proposals;
  }

  /** Registers {@code count} proposals appended from {@code firstIndex} in {@code term}; their futures. */
  List<CompletableFuture<R>> track(long firstIndex, long term, int count) {
    List<CompletableFuture<R>> futures = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      CompletableFuture<R> future = new CompletableFuture<>();
      proposals.add(firstIndex + i, term, future);
      futures.add(future);
    }
    return futures;
  }

  /** Advances the commit index to {@code index}; never backwards. */
  void commitTo(long index) {
    if (index <= commitIndex) {
      return;
    }
    if (index > store.lastIndex()) {
      throw new IllegalStateException(id + ": cannot commit " + index + " beyond last index " + store.lastIndex());
    }
    commitIndex = index;
  }

  /** Whether {@link #takeCommitted} has entries to give now. */
  boolean hasCommittedToHandOut() {
    return !paused && handedOutIndex < commitIndex
        && (unappliedBatches.isEmpty() || unappliedBytes < maxUnappliedBytes);
  }

  /**
   * The next committed entries not yet handed out, in log order, as far as one batch of the store
   * and the bound on unapplied bytes allow; empty if there are none.
   */
  List<CommittedEntry<R>> takeCommitted() {
    if (!hasCommittedToHandOut()) {
      return List.of();
    }
    long budget = Math.min(maxBatchBytes, maxUnappliedBytes - unappliedBytes);
    List<LogEntry> entries = store.entries(handedOutIndex + 1, commitIndex + 1, Math.max(1, budget));
    List<CommittedEntry<R>> batch = new ArrayList<>(entries.size());
    long bytes = 0;
    for (LogEntry entry : entries) {
      if (entry.index() != handedOutIndex + 1) {
        throw new IllegalStateException(id + ": the store gave entry " + entry.index() + " after "
            + handedOutIndex);
      }
      handedOutIndex = entry.index();
      bytes += entry.command().length;
      batch.add(new CommittedEntry<>(entry, proposals.takeIfProposed(entry.index(), entry.term())));
    }
    unappliedBatches.addLast(new long[] {handedOutIndex, bytes});
    unappliedBytes += bytes;
    return batch;
  }

  /**
   * The driver applied every entry up to {@code index}.
   *
   * @throws IllegalArgumentException if {@code index} was never handed out (a driver bug)
   */
  void onApplied(long index) {
    if (index > handedOutIndex) {
      throw new IllegalArgumentException(id + ": applied " + index + " reported, but only "
          + handedOutIndex + " was handed out");
    }
    if (index > appliedIndex) {
      appliedIndex = index;
      while (!unappliedBatches.isEmpty() && unappliedBatches.peekFirst()[0] <= index) {
        unappliedBytes -= unappliedBatches.pollFirst()[1];
      }
    }
  }

  /** A snapshot is to be installed: nothing more is handed out until it is, or it failed. */
  void pauseForInstall() {
    paused = true;
  }

  /** The install failed: handing out goes on from where it stopped. */
  void resumeAfterInstall() {
    paused = false;
  }

  /**
   * The state machine was restored from a snapshot through {@code index}: every entry up to there
   * is committed, handed out and applied, and handing out goes on after it.
   */
  void onSnapshotInstalled(long index) {
    paused = false;
    commitIndex = Math.max(commitIndex, index);
    handedOutIndex = Math.max(handedOutIndex, index);
    appliedIndex = Math.max(appliedIndex, index);
    while (!unappliedBatches.isEmpty() && unappliedBatches.peekFirst()[0] <= appliedIndex) {
      unappliedBytes -= unappliedBatches.pollFirst()[1];
    }
  }

  void checkInvariants(long lastLogIndex) {
    if (commitIndex > lastLogIndex) {
      throw new IllegalStateException(id + ": commit index " + commitIndex + " beyond last index " + lastLogIndex);
    }
    if (appliedIndex > handedOutIndex || (handedOutIndex > commitIndex && handedOutIndex > startApplied)) {
      throw new IllegalStateException(id + ": applied " + appliedIndex + ", handed out " + handedOutIndex
          + ", committed " + commitIndex + " out of order");
    }
  }
}

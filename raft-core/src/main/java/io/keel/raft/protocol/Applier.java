package io.keel.raft.protocol;

import io.keel.raft.EntryType;
import io.keel.raft.LogEntry;
import io.keel.raft.LogStore;
import io.keel.raft.NodeId;
import io.keel.raft.StateMachine;
import java.util.concurrent.CompletableFuture;

/**
 * The commit index and everything behind it: applies committed entries to the state machine in log
 * order (Figure 2, "All servers", first rule) and completes the futures of the proposals they carry.
 *
 * <p>Invariant: after every call, {@code lastApplied == commitIndex}.
 *
 * @param <R> the state machine's result type
 */
final class Applier<R> {

  private final NodeId id;
  private final LogStore store;
  private final StateMachine<R> stateMachine;
  private final PendingProposals<R> proposals = new PendingProposals<>();
  private final long maxBatchBytes;
  private long commitIndex;
  private long lastApplied;

  Applier(NodeId id, LogStore store, StateMachine<R> stateMachine, long maxBatchBytes) {
    this.id = id;
    this.store = store;
    this.stateMachine = stateMachine;
    this.maxBatchBytes = maxBatchBytes;
  }

  long commitIndex() {
    return commitIndex;
  }

  long lastApplied() {
    return lastApplied;
  }

  PendingProposals<R> proposals() {
    return proposals;
  }

  /** Registers the future of a proposal appended at {@code index} in {@code term}. */
  void track(long index, long term, CompletableFuture<R> future) {
    proposals.add(index, term, future);
  }

  /** Advances the commit index to {@code index} (never backwards) and applies up to it. */
  void commitTo(long index) {
    if (index <= commitIndex) {
      return;
    }
    if (index > store.lastIndex()) {
      throw new IllegalStateException(id + ": cannot commit " + index + " beyond last index " + store.lastIndex());
    }
    commitIndex = index;
    while (lastApplied < commitIndex) {
      for (LogEntry entry : store.entries(lastApplied + 1, commitIndex + 1, maxBatchBytes)) {
        apply(entry);
      }
    }
  }

  private void apply(LogEntry entry) {
    R result = null;
    RuntimeException failure = null;
    if (entry.type() == EntryType.COMMAND) {
      try {
        result = stateMachine.apply(entry.index(), entry.command());
      } catch (RuntimeException e) {
        failure = e; // a deterministic state machine fails the same way on every node
      }
    }
    lastApplied = entry.index();
    proposals.onApplied(entry.index(), entry.term(), result, failure);
  }

  void checkInvariants(long lastLogIndex) {
    if (commitIndex > lastLogIndex) {
      throw new IllegalStateException(id + ": commit index " + commitIndex + " beyond last index " + lastLogIndex);
    }
    if (lastApplied != commitIndex) {
      throw new IllegalStateException(id + ": applied " + lastApplied + " but committed " + commitIndex);
    }
  }
}

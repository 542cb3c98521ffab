package io.keel.raft.protocol;

import io.keel.raft.EntryType;
import io.keel.raft.LogEntry;
import io.keel.raft.StateMachine;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A committed entry that a {@link RaftNode} hands its driver to apply ({@link RaftNode#takeCommitted}),
 * with the future of its proposal if this node proposed it. The driver applies entries in the order
 * it got them, on any one thread, with {@link #applyTo}, and then reports the last index applied
 * with {@link RaftNode#onApplied} on the node's thread.
 *
 * @param <R> the state machine's result type
 */
public final class CommittedEntry<R> {

  private final LogEntry entry;
  private final CompletableFuture<R> proposal;

  CommittedEntry(LogEntry entry, CompletableFuture<R> proposal) {
    this.entry = entry;
    this.proposal = proposal;
  }

  /** The entry: its index, term, type and command. */
  public LogEntry entry() {
    return entry;
  }

  /** The entry's log index. */
  public long index() {
    return entry.index();
  }

  /** Whether a proposer on this node waits for this entry's result. */
  public boolean hasProposer() {
    return proposal != null;
  }

  /**
   * Applies the entry to {@code stateMachine} if it carries a command (a leader's no-op carries
   * none), and completes the proposer's future, if any, with the result. A {@link RuntimeException}
   * the state machine throws is that command's result, the same on every replica: the future fails
   * with it and applying goes on. An {@link Error} propagates: the state machine's state is then
   * unknown, and its driver must stop the node.
   *
   * @return the state machine's result, or null for an entry without a command or a command that threw
   */
  public R applyTo(StateMachine<R> stateMachine) {
    if (entry.type() != EntryType.COMMAND) {
      if (proposal != null) {
        proposal.complete(null);
      }
      return null;
    }
    R result;
    try {
      result = stateMachine.apply(entry.index(), entry.command());
    } catch (RuntimeException e) {
      if (proposal != null) {
        proposal.completeExceptionally(e);
      }
      return null;
    }
    if (proposal != null) {
      proposal.complete(result);
    }
    return result;
  }

  /**
   * The simplest driver of applying: takes everything {@code node} has committed, applies it to
   * {@code stateMachine} on the caller's (the node's) thread, and reports it applied. For tests,
   * benchmarks and single-threaded embeddings; the runtime applies on a thread of its own instead.
   */
  public static <R> void applyAllNow(RaftNode<R> node, StateMachine<R> stateMachine) {
    for (List<CommittedEntry<R>> batch = node.takeCommitted(); !batch.isEmpty(); batch = node.takeCommitted()) {
      for (CommittedEntry<R> entry : batch) {
        entry.applyTo(stateMachine);
      }
      node.onApplied(batch.get(batch.size() - 1).index());
    }
  }

  /** The entry will never be applied here (the node or its state machine stopped): fails its proposer. */
  public void abandon(Throwable cause) {
    if (proposal != null) {
      proposal.completeExceptionally(cause);
    }
  }

  @Override
  public String toString() {
    return "Committed[" + entry + (proposal != null ? ", proposed here" : "") + "]";
  }
}

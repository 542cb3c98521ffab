package io.keel.raft.protocol;

import io.keel.raft.LeadershipLostException;
import io.keel.raft.NodeId;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Futures of the proposals a leader accepted in its current term, in log order. Each completes when
 * its entry is applied; if the node stops leading first, every one left fails with
 * {@link LeadershipLostException}, since a later leader may or may not commit its entry.
 *
 * <p>Invariant: indexes strictly increase from head to tail, and all belong to one term.
 *
 * @param <R> the state machine's result type
 */
final class PendingProposals<R> {

  private record Pending<R>(long index, CompletableFuture<R> future) {}

  private final ArrayDeque<Pending<R>> queue = new ArrayDeque<>();
  private long term;

  int size() {
    return queue.size();
  }

  void add(long index, long term, CompletableFuture<R> future) {
    if (!queue.isEmpty() && (term != this.term || index <= queue.peekLast().index())) {
      throw new IllegalStateException("proposal " + index + "@" + term + " out of order after "
          + queue.peekLast().index() + "@" + this.term);
    }
    this.term = term;
    queue.addLast(new Pending<>(index, future));
  }

  /** The entry at {@code index} with {@code term} was applied and gave {@code result} or {@code failure}. */
  void onApplied(long index, long term, R result, RuntimeException failure) {
    Pending<R> head = queue.peekFirst();
    if (head == null || head.index() > index) {
      return;
    }
    if (head.index() < index || term != this.term) {
      throw new IllegalStateException("applied " + index + "@" + term + " but the proposal "
          + head.index() + "@" + this.term + " is still pending");
    }
    queue.pollFirst();
    if (failure != null) {
      head.future().completeExceptionally(failure);
    } else {
      head.future().complete(result);
    }
  }

  /** The node stopped leading: every proposal left has an unknown outcome. */
  void failAll(NodeId node) {
    while (!queue.isEmpty()) {
      Pending<R> pending = queue.pollFirst();
      pending.future().completeExceptionally(new LeadershipLostException(node, term, pending.index()));
    }
  }

  /** Fails every proposal left with {@code cause}. */
  void failAll(RuntimeException cause) {
    while (!queue.isEmpty()) {
      queue.pollFirst().future().completeExceptionally(cause);
    }
  }
}

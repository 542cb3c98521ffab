package io.keel.raft.protocol;

import io.keel.raft.LeadershipLostException;
import io.keel.raft.NodeId;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Futures of the proposals this node accepted as leader whose entries are not yet handed out to be
 * applied, in log order. Each leaves with its committed entry ({@link #takeIfProposed}); when the
 * node stops leading, those above the commit index fail with {@link LeadershipLostException}, since
 * a later leader may or may not commit their entries, and those at or below it stay: they are
 * committed and will be applied.
 *
 * <p>Invariant: indexes strictly increase from head to tail.
 *
 * @param <R> the state machine's result type
 */
final class PendingProposals<R> {

  private record Pending<R>(long index, long term, CompletableFuture<R> future) {}

  private final ArrayDeque<Pending<R>> queue = new ArrayDeque<>();

  int size() {
    return queue.size();
  }

  void add(long index, long term, CompletableFuture<R> future) {
    if (!queue.isEmpty() && index <= queue.peekLast().index()) {
      throw new IllegalStateException("proposal " + index + "@" + term + " out of order after "
          + queue.peekLast().index() + "@" + queue.peekLast().term());
    }
    queue.addLast(new Pending<>(index, term, future));
  }

  /**
   * The committed entry at {@code index}, of {@code term}, is being handed out: returns the future
   * of the proposal it carries, or null if this node did not propose it.
   */
  CompletableFuture<R> takeIfProposed(long index, long term) {
    Pending<R> head = queue.peekFirst();
    if (head == null || head.index() > index) {
      return null;
    }
    if (head.index() < index || head.term() != term) {
      throw new IllegalStateException("committed " + index + "@" + term + " but the proposal "
          + head.index() + "@" + head.term() + " is still pending");
    }
    queue.pollFirst();
    return head.future();
  }

  /** The node stopped leading: every proposal above {@code commitIndex} has an unknown outcome. */
  void failAbove(long commitIndex, NodeId node) {
    ArrayDeque<Pending<R>> lost = new ArrayDeque<>();
    while (!queue.isEmpty() && queue.peekLast().index() > commitIndex) {
      lost.addFirst(queue.pollLast());
    }
    for (Pending<R> pending : lost) { // in log order, as proposers would see them applied
      pending.future().completeExceptionally(new LeadershipLostException(node, pending.term(), pending.index()));
    }
  }

  /** Fails every proposal left with {@code cause}. */
  void failAll(RuntimeException cause) {
    while (!queue.isEmpty()) {
      queue.pollFirst().future().completeExceptionally(cause);
    }
  }
}

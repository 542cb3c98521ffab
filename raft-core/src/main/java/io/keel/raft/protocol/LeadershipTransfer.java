package io.keel.raft.protocol;

import io.keel.raft.LeadershipTransferException;
import io.keel.raft.NodeId;
import java.util.concurrent.CompletableFuture;

/**
 * A leadership transfer under way (Raft thesis §3.10): the leader accepts no proposal, brings the
 * target's log up to date and sends it {@link io.keel.raft.message.TimeoutNow}; the target
 * campaigns at once. The transfer succeeds when this node hears from the target as leader, and is
 * abandoned an election timeout after it began: if this node still leads, it serves again.
 */
final class LeadershipTransfer {

  private final NodeId target;
  private final long deadlineNanos;
  private final CompletableFuture<NodeId> future = new CompletableFuture<>();

  LeadershipTransfer(NodeId target, long deadlineNanos) {
    this.target = target;
    this.deadlineNanos = deadlineNanos;
  }

  NodeId target() {
    return target;
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  /** Completes with the new leader's id once the target leads. */
  CompletableFuture<NodeId> future() {
    return future;
  }

  /**
   * This node learnt that {@code leader} leads: the transfer is over, done if it is the target.
   *
   * @return whether the transfer is over
   */
  boolean onLeaderKnown(NodeId leader, long term) {
    if (leader.equals(target)) {
      future.complete(target);
    } else {
      future.completeExceptionally(new LeadershipTransferException("leadership went to " + leader + " in term "
          + term + ", not to " + target));
    }
    return true;
  }

  /**
   * The time is {@code nowNanos}; {@code leading} says whether this node still leads.
   *
   * @return whether the transfer is over (abandoned)
   */
  boolean onTick(long nowNanos, NodeId self, boolean leading) {
    if (nowNanos < deadlineNanos) {
      return false;
    }
    future.completeExceptionally(new LeadershipTransferException(leading
        ? target + " did not take over within an election timeout; " + self + " leads again"
        : target + " did not take over within an election timeout, and no leader is known"));
    return true;
  }
}

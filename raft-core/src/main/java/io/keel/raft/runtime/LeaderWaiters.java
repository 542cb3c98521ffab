package io.keel.raft.runtime;

import io.keel.raft.NodeId;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Callers of {@link RaftGroup#awaitLeader} waiting for their replica to know a leader. A waiter
 * checks the published status after joining, and the event thread checks the waiters after
 * publishing a status, so a leader known in between is seen by one of the two; each waiter is
 * taken by exactly one of them. Waiters complete on the group's apply thread.
 */
final class LeaderWaiters {

  private final ConcurrentLinkedQueue<CompletableFuture<NodeId>> waiters = new ConcurrentLinkedQueue<>();
  private final Executor applyExecutor;

  LeaderWaiters(Executor applyExecutor) {
    this.applyExecutor = applyExecutor;
  }

  /**
   * A future of the leader within {@code timeout}; {@code status} and {@code stopReason} read the
   * group's published status and stop reason (null while running).
   */
  CompletableFuture<NodeId> await(Duration timeout, Supplier<GroupStatus> status, Supplier<RuntimeException> stopReason) {
    CompletableFuture<NodeId> waiter = new CompletableFuture<>();
    waiters.add(waiter);
    onStatus(status.get(), stopReason.get());
    waiter.whenComplete((leader, failure) -> waiters.remove(waiter)); // a timed-out waiter leaves too
    return waiter.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** A status was published: completes every waiter if it names a leader, or fails them if the group stopped. */
  void onStatus(GroupStatus current, RuntimeException stopped) {
    if (waiters.isEmpty()) {
      return;
    }
    Optional<NodeId> leader = current == null ? Optional.empty() : current.leader();
    if (leader.isEmpty() && stopped == null) {
      return;
    }
    for (CompletableFuture<NodeId> waiter = waiters.poll(); waiter != null; waiter = waiters.poll()) {
      CompletableFuture<NodeId> done = waiter;
      applyExecutor.execute(() -> {
        if (stopped != null) {
          done.completeExceptionally(stopped);
        } else {
          done.complete(leader.get());
        }
      });
    }
  }
}

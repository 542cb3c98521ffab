package io.keel.raft.runtime;

import io.keel.raft.protocol.RaftNode;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How far a group's state machine has applied, between the apply thread, which advances it, and
 * the event loop, which tells the core. The loop reports the applied index to the core with every
 * burst of events; the apply thread wakes the loop itself only while the core holds committed
 * entries back until more are applied ({@link io.keel.raft.RaftConfig#maxUnappliedBytes()}).
 */
final class AppliedProgress {

  private final Executor loop;
  /** Runs on the loop when the apply thread wakes it: reports to the core. */
  private final Runnable wake;
  /** The state machine's applied index: written on the apply thread, and on the loop after an install. */
  private volatile long appliedIndex;
  /** Whether a wake-up is queued on the loop. */
  private final AtomicBoolean wakeQueued = new AtomicBoolean();
  /** Set on the loop when the core holds committed entries back. */
  private volatile boolean awaitingApply;
  /** The last index handed to the apply thread; loop only. */
  private long handedOutIndex;

  AppliedProgress(Executor loop, Runnable wake, long startApplied) {
    this.loop = loop;
    this.wake = wake;
    this.appliedIndex = startApplied;
    this.handedOutIndex = startApplied;
  }

  long appliedIndex() {
    return appliedIndex;
  }

  /** On the apply thread, after a batch: the state machine has applied up to {@code index}. */
  void applied(long index) {
    appliedIndex = index;
    if (awaitingApply && wakeQueued.compareAndSet(false, true)) {
      loop.execute(wake);
    }
  }

  /** On the loop, at a wake-up: reports to the core; returns whether the core learnt anything. */
  boolean onWake(RaftNode<?> node) {
    wakeQueued.set(false);
    return report(node);
  }

  /** On the loop: tells the core how far the state machine got; returns whether it advanced. */
  boolean report(RaftNode<?> node) {
    if (appliedIndex > node.lastApplied()) {
      node.onApplied(appliedIndex);
      return true;
    }
    return false;
  }

  /** On the loop: entries up to {@code index} went to the apply thread. */
  void handedOut(long index) {
    handedOutIndex = index;
  }

  /** On the loop: the state machine was restored from a snapshot through {@code index}, which the core knows. */
  void installed(long index) {
    appliedIndex = Math.max(appliedIndex, index);
    handedOutIndex = Math.max(handedOutIndex, index);
  }

  /**
   * On the loop, after handing out what the core gave: whether the core holds entries back, and if
   * so, a wake-up for progress the apply thread made meanwhile.
   */
  void afterHandOut(RaftNode<?> node) {
    boolean waiting = node.commitIndex() > handedOutIndex;
    awaitingApply = waiting;
    // The apply thread writes its progress, then reads the flag; this thread the other way round:
    // one of them sees the other, so progress made meanwhile is never left unreported.
    if (waiting && appliedIndex > node.lastApplied() && wakeQueued.compareAndSet(false, true)) {
      loop.execute(wake);
    }
  }
}

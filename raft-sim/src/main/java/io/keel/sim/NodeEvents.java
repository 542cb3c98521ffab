package io.keel.sim;

import io.keel.sim.EventQueue.Event;
import io.keel.sim.EventQueue.Kind;
import java.util.function.LongSupplier;

/**
 * Schedules what each node does on its own, apart from messages and clients: its timer (one lazy
 * event per node, late under buggify), its disk's next sync, its apply batches (after the seed's
 * apply lag) and the steps of a snapshot being written. Nodes are numbered from 1.
 */
final class NodeEvents {

  /** The longest each half of a snapshot takes to write. */
  private static final long SNAPSHOT_STEP_MAX_NANOS = 50_000_000;

  private final EventQueue queue;
  private final FaultSchedule.Buggify buggify;
  private final SimRandom timerRandom;
  private final SimRandom applyRandom;
  private final LongSupplier now;
  private final long[] timerAt;
  private final long[] diskAt;
  private final long[] latenessDeadline;
  private final long[] latenessNanos;
  private final boolean[] snapshotScheduled;

  NodeEvents(EventQueue queue, FaultSchedule.Buggify buggify, SimRandom timerRandom, SimRandom applyRandom,
      int nodes, LongSupplier now) {
    this.queue = queue;
    this.buggify = buggify;
    this.timerRandom = timerRandom;
    this.applyRandom = applyRandom;
    this.now = now;
    this.timerAt = new long[nodes + 1];
    this.diskAt = new long[nodes + 1];
    this.latenessDeadline = new long[nodes + 1];
    this.latenessNanos = new long[nodes + 1];
    this.snapshotScheduled = new boolean[nodes + 1];
  }

  /** The node starts or crashes: no timer or sync event of its is pending any more. */
  void reset(int number) {
    timerAt[number] = -1;
    diskAt[number] = -1;
  }

  /**
   * A TIMER event came: whether it should fire on {@code node} now. A stale event (superseded by
   * an earlier one) is ignored; one that comes before a deadline that has moved later is set again
   * for the deadline.
   */
  boolean timerFires(Event event, SimulatedNode<?> node) {
    if (timerAt[event.node] != event.timeNanos) {
      return false;
    }
    timerAt[event.node] = -1;
    if (!node.isCrashed() && timerDueAt(node) > now.getAsLong()) {
      reschedule(node); // the deadline moved later since this event was set: wait for it
      return false;
    }
    return true;
  }

  /** A DISK event came: whether it is the node's current one. */
  boolean syncDue(Event event) {
    if (diskAt[event.node] != event.timeNanos) {
      return false;
    }
    diskAt[event.node] = -1;
    return true;
  }

  /** A SNAPSHOT event came: the next write step, if any, is scheduled after it. */
  void snapshotStepTaken(int number) {
    snapshotScheduled[number] = false;
  }

  /** After an event on {@code node}: its timer, its disk, its apply queue and its snapshot. */
  void afterNodeEvent(SimulatedNode<?> node) {
    reschedule(node);
    long nowNanos = now.getAsLong();
    if (node.collectCommitted()) {
      queue.schedule(nowNanos + applyLagNanos(), Kind.APPLY, node.number(), null, node.incarnations());
    }
    if (node.snapshotWorkWaiting() && !snapshotScheduled[node.number()]) {
      // Each half of a snapshot takes a while to write: a crash may come in between.
      snapshotScheduled[node.number()] = true;
      queue.schedule(nowNanos + applyRandom.between(0L, SNAPSHOT_STEP_MAX_NANOS), Kind.SNAPSHOT, node.number(),
          null, node.incarnations());
    }
  }

  /** How long the state machine takes to get to a batch of committed entries (buggify). */
  private long applyLagNanos() {
    if (buggify.slowApplies() > 0 && applyRandom.chance(buggify.slowApplies())) {
      return applyRandom.between(0L, FaultSchedule.Buggify.SLOW_APPLY_MAX_NANOS);
    }
    return buggify.applyLagMicros() == 0 ? 0 : applyRandom.between(0L, buggify.applyLagMicros() * 1_000);
  }

  /**
   * Keeps one timer event per node, at or before its deadline. A follower's deadline moves later
   * with every AppendEntries; rather than an event per move, the pending event stays, and when it
   * comes before the deadline it is set again for the deadline ({@link #timerFires}). A deadline
   * that moves earlier gets an event of its own.
   */
  private void reschedule(SimulatedNode<?> node) {
    int number = node.number();
    long at = timerDueAt(node);
    if (at != Long.MAX_VALUE && (timerAt[number] < 0 || at < timerAt[number])) {
      timerAt[number] = at;
      queue.schedule(at, Kind.TIMER, number, null, 0);
    }
    long nowNanos = now.getAsLong();
    long sync = node.disk().syncDoneNanos();
    if (sync != Long.MAX_VALUE && diskAt[number] != Math.max(nowNanos, sync)) {
      diskAt[number] = Math.max(nowNanos, sync);
      queue.schedule(diskAt[number], Kind.DISK, number, null, 0);
    }
  }

  /** When, in simulated time, the node's timer is due (late, if buggify says so); MAX_VALUE if never. */
  private long timerDueAt(SimulatedNode<?> node) {
    long deadline = node.raft().nextDeadlineNanos();
    if (deadline == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    // Lateness counts from the deadline itself, never from now: a deadline already past fires now.
    return Math.max(now.getAsLong(), node.clock().globalNanosAt(deadline, 0) + lateness(node.number(), deadline));
  }

  /**
   * Buggify: how late the timer for {@code deadline} fires, as on a loaded event loop; drawn once
   * per deadline, so that rescheduling does not draw again.
   */
  private long lateness(int number, long deadline) {
    double late = buggify.lateTimers();
    if (late == 0) {
      return 0;
    }
    if (latenessDeadline[number] != deadline) {
      latenessDeadline[number] = deadline;
      latenessNanos[number] = timerRandom.chance(late)
          ? timerRandom.nextLong(FaultSchedule.Buggify.LATE_TIMER_MAX_NANOS) : 0;
    }
    return latenessNanos[number];
  }
}

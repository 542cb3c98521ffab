package io.keel.raft.runtime;

import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Proposals on their way from any thread to a group's event thread. Proposers add to a list under
 * a short lock; the event thread swaps the whole list out at once, so commands proposed together
 * become one append. A drain task is posted to the event loop only when none is pending, and a
 * proposer on the group's apply thread (a callback) may defer that wake-up to the end of its
 * apply batch, so all of a batch's callbacks share one drain.
 *
 * <p>Each proposal is taken from the list, under the lock, by exactly one party.
 */
final class ProposalInbox<R> {

  /** A command and the future its proposer holds. */
  record Proposal<R>(byte[] command, CompletableFuture<R> client) {}

  private final EventLoop loop;
  private final Runnable drain;
  private final Object lock = new Object();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private ArrayList<Proposal<R>> waiting = new ArrayList<>();
  /** An emptied list kept for the next swap; event thread only. */
  private ArrayList<Proposal<R>> spare;
  /** A proposer on the apply thread asked for a drain after the batch; apply thread only. */
  private boolean drainDeferred;

  /** {@code drain} runs on {@code loop} and must begin with {@link #drainStarted()}. */
  ProposalInbox(EventLoop loop, Runnable drain) {
    this.loop = loop;
    this.drain = drain;
  }

  /** Adds a proposal; from any thread. Call {@link #scheduleDrain} or {@link #deferDrain} next. */
  void add(Proposal<R> proposal) {
    synchronized (lock) {
      waiting.add(proposal);
    }
  }

  /** Makes sure a drain will run on the event loop. */
  void scheduleDrain() {
    if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
      loop.execute(drain);
    }
  }

  /** On the apply thread, inside a batch: drain once the batch is over. */
  void deferDrain() {
    drainDeferred = true;
  }

  /** On the apply thread, after each batch and its callbacks. */
  void afterApplyBatch() {
    if (drainDeferred) {
      drainDeferred = false;
      scheduleDrain();
    }
  }

  /** On the event thread, first thing in the drain: later proposals schedule another. */
  void drainStarted() {
    drainScheduled.set(false);
  }

  /** On the event thread: takes the waiting proposals; hand the list back with {@link #recycle}. */
  ArrayList<Proposal<R>> take() {
    ArrayList<Proposal<R>> next = spare != null ? spare : new ArrayList<>();
    spare = null;
    synchronized (lock) {
      ArrayList<Proposal<R>> taken = waiting;
      waiting = next;
      return taken;
    }
  }

  /** On the event thread: keeps a handled list for the next swap. */
  void recycle(ArrayList<Proposal<R>> handled) {
    handled.clear();
    spare = handled;
  }

  /** From any thread, once the group has stopped: takes what the event thread may never drain. */
  ArrayList<Proposal<R>> takeAfterStop() {
    synchronized (lock) {
      ArrayList<Proposal<R>> taken = waiting;
      waiting = new ArrayList<>();
      return taken;
    }
  }
}

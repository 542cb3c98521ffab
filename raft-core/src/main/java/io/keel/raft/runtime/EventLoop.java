package io.keel.raft.runtime;

import io.keel.raft.metrics.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event thread, serving any number of Raft groups: it runs the tasks posted to its mailbox
 * (messages, storage reports, proposals) one at a time, fires each group's timer when the clock
 * reaches it, and between bursts lets every group it touched flush its outputs. It sleeps until
 * the earliest timer or the next task.
 *
 * <p>Everything but {@link #execute}, {@link #start} and {@link #shutdown} runs on the loop's own
 * thread.
 */
final class EventLoop {

  private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

  /** Tasks run before the loop stops to fire timers and flush the groups it touched. */
  private static final int BURST = 256;

  /** The longest sleep, so a lost wake-up (which should not happen) costs at most this. */
  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Thread thread;
  private final LongSupplier clock;
  /** Records how late each timer ran, on the runtime's histogram. */
  private final LatencyHistogram timerLateness;
  private final Queue<Runnable> mailbox = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final List<GroupRunner<?>> touched = new ArrayList<>();
  private volatile boolean sleeping;
  private volatile boolean running = true;
  private long now;
  private int groups;

  EventLoop(String name, LongSupplier clock, LatencyHistogram timerLateness) {
    this.clock = clock;
    this.timerLateness = timerLateness;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    this.now = clock.getAsLong();
  }

  void start() {
    thread.start();
  }

  /** Posts a task; callable from any thread. Tasks posted after {@link #shutdown} never run. */
  void execute(Runnable task) {
    mailbox.add(task);
    if (sleeping) {
      LockSupport.unpark(thread);
    }
  }

  /** Stops the loop once the tasks already posted have run, and waits up to {@code timeoutMillis}. */
  void shutdown(long timeoutMillis) throws InterruptedException {
    execute(() -> running = false);
    if (Thread.currentThread() != thread) {
      thread.join(timeoutMillis);
    }
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** The time at the start of the current burst, on the runtime's monotonic clock. */
  long now() {
    return now;
  }

  /** How many groups this loop serves; only the runtime changes it, under its own lock. */
  int groups() {
    return groups;
  }

  void adjustGroups(int delta) {
    groups += delta;
  }

  /** Marks {@code group} as having handled events, so it flushes before the loop sleeps. */
  void touch(GroupRunner<?> group) {
    if (!group.touched) {
      group.touched = true;
      touched.add(group);
    }
  }

  /** Arranges for {@code group}'s timer to fire at {@code deadline}, if that is earlier than planned. */
  void schedule(GroupRunner<?> group, long deadline) {
    if (deadline < group.scheduledDeadline) {
      group.scheduledDeadline = deadline;
      timers.add(new Timer(deadline, group));
    }
  }

  private void run() {
    while (running) {
      now = clock.getAsLong();
      int ran = 0;
      Runnable task;
      while (ran < BURST && (task = mailbox.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.error("{}: an event task failed", thread.getName(), e);
        }
        ran++;
      }
      fireTimers();
      flushTouched();
      if (ran < BURST && running) {
        sleep();
      }
    }
  }

  private void fireTimers() {
    Timer timer;
    while ((timer = timers.peek()) != null && timer.deadline <= now) {
      timers.poll();
      GroupRunner<?> group = timer.group;
      if (timer.deadline == group.scheduledDeadline) {
        timerLateness.record(clock.getAsLong() - timer.deadline);
        group.scheduledDeadline = Long.MAX_VALUE;
        group.onTimer();
      } // otherwise an earlier timer replaced this one: it is stale
    }
  }

  private void flushTouched() {
    for (int i = 0; i < touched.size(); i++) {
      GroupRunner<?> group = touched.get(i);
      group.touched = false;
      group.afterEvents();
    }
    touched.clear();
  }

  private void sleep() {
    sleeping = true;
    try {
      if (!mailbox.isEmpty()) {
        return;
      }
      Timer next = timers.peek();
      long wait = next == null ? MAX_PARK_NANOS : Math.min(MAX_PARK_NANOS, next.deadline - clock.getAsLong());
      if (wait > 0) {
        LockSupport.parkNanos(this, wait);
      }
    } finally {
      sleeping = false;
    }
  }

  /** A group's timer; stale once the group schedules an earlier one. */
  private record Timer(long deadline, GroupRunner<?> group) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer other) {
      return Long.compare(deadline, other.deadline);
    }
  }
}

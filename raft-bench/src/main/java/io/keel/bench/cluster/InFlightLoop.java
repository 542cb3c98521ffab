package io.keel.bench.cluster;

import io.keel.raft.RaftException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed loop of operations against a cluster: a fixed number in flight, each completion
 * recording its latency (inside the measured window only) and starting the next at once. An
 * operation Keel refused ({@link RaftException}: leadership moved, no leader, too busy) is
 * started again 5 ms later and counted; anything else ends that slot of the loop and is reported.
 */
abstract class InFlightLoop {

  private final Recorder latencies = new Recorder(3);
  private final AtomicLong retries = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final ScheduledExecutorService retryLater;
  private final CountDownLatch drained;
  private volatile boolean measuring;
  private volatile boolean running = true;

  InFlightLoop(String retryThreadName, int inFlight) {
    this.drained = new CountDownLatch(inFlight);
    this.retryLater = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, retryThreadName);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts {@code inFlight} operations. */
  final void start(int inFlight) {
    for (int i = 0; i < inFlight; i++) {
      next(System.nanoTime());
    }
  }

  /** Starts the next operation of a slot whose previous one completed; the loop's own. */
  abstract void next(long startNanos);

  /** Whether the loop still starts operations; a slot that stops counts itself drained. */
  final boolean running() {
    if (!running) {
      drained.countDown();
    }
    return running;
  }

  /** {@code retry} runs 5 ms from now: there is no node to ask yet. */
  final void later(Runnable retry) {
    retryLater.schedule(retry, 5, TimeUnit.MILLISECONDS);
  }

  /**
   * An operation started at {@code startNanos} ended: with {@code error} null it is recorded and
   * the slot goes on with {@code then}; a refusal by Keel is counted and {@code retry} runs 5 ms
   * later; any other error ends the slot.
   *
   * @return whether the node asked should be looked up again (the operation was refused)
   */
  final boolean ended(long startNanos, Throwable error, Runnable retry) {
    if (error == null) {
      if (measuring) {
        latencies.recordValue(Math.max(1, (System.nanoTime() - startNanos) / 1000));
      }
      next(System.nanoTime());
      return false;
    }
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof RaftException && running) {
      retries.incrementAndGet();
      later(retry);
      return true;
    }
    failure.compareAndSet(null, cause);
    drained.countDown();
    return false;
  }

  /** Starts the measured window: discards what was recorded during warm-up. */
  final void beginMeasuring() {
    latencies.reset();
    retries.set(0);
    measuring = true;
  }

  /** Ends the measured window and returns the histogram of latencies in microseconds. */
  final Histogram endMeasuring() {
    measuring = false;
    return latencies.getIntervalHistogram();
  }

  /** Operations started again because Keel refused them, in the measured window. */
  final long retries() {
    return retries.get();
  }

  final Throwable failure() {
    return failure.get();
  }

  /** Stops starting operations and waits (bounded) for those in flight. */
  final void stop() throws InterruptedException {
    running = false;
    drained.await(30, TimeUnit.SECONDS);
    retryLater.shutdownNow();
  }
}

package io.keel.bench.cluster;

import io.keel.raft.RaftException;
import io.keel.raft.ReadMode;
import io.keel.raft.runtime.RaftGroup;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Keeps exactly R linearizable reads in flight against one node (the leader, or a follower): each
 * completion records its latency and asks the next read at once. A read the node could not serve
 * (leadership moved, no leader known) is asked again 5 ms later of whichever node the supplier
 * gives then, and counted.
 */
final class ReadLoop {

  private final Supplier<RaftGroup<Integer>> targets;
  private final ReadMode mode;
  private final Recorder latencies = new Recorder(3);
  private final AtomicLong retries = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final ScheduledExecutorService retryLater = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "reads-retry");
    thread.setDaemon(true);
    return thread;
  });
  private final CountDownLatch drained;
  private volatile RaftGroup<Integer> target;
  private volatile boolean measuring;
  private volatile boolean running = true;

  /** {@code targets} gives the node to read from, or null while there is none. */
  ReadLoop(Supplier<RaftGroup<Integer>> targets, ReadMode mode, int readers) {
    this.targets = targets;
    this.mode = mode;
    this.drained = new CountDownLatch(readers);
  }

  void start(int readers) {
    for (int i = 0; i < readers; i++) {
      read(System.nanoTime());
    }
  }

  private void read(long start) {
    if (!running) {
      drained.countDown();
      return;
    }
    RaftGroup<Integer> node = target;
    if (node == null) {
      node = targets.get();
      target = node;
    }
    if (node == null) {
      retryLater.schedule(() -> read(start), 5, TimeUnit.MILLISECONDS);
      return;
    }
    node.read(mode, () -> 1).whenComplete((one, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof RaftException && running) {
          retries.incrementAndGet();
          target = null;
          retryLater.schedule(() -> read(start), 5, TimeUnit.MILLISECONDS);
        } else {
          failure.compareAndSet(null, cause);
          drained.countDown();
        }
        return;
      }
      if (measuring) {
        latencies.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
      }
      read(System.nanoTime());
    });
  }

  void beginMeasuring() {
    latencies.reset();
    retries.set(0);
    measuring = true;
  }

  /** Ends the measured window: the latencies of the reads served in it, in microseconds. */
  Histogram endMeasuring() {
    measuring = false;
    return latencies.getIntervalHistogram();
  }

  long retries() {
    return retries.get();
  }

  Throwable failure() {
    return failure.get();
  }

  /** Stops asking and waits (bounded) for the reads in flight. */
  void stop() throws InterruptedException {
    running = false;
    drained.await(30, TimeUnit.SECONDS);
    retryLater.shutdownNow();
  }
}

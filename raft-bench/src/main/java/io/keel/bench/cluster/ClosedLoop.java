package io.keel.bench.cluster;

import io.keel.raft.RaftException;
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
 * Keeps exactly C commands in flight on the leader: each completion (committed and applied)
 * records its latency and submits the next command at once. Latencies are recorded only inside
 * the measured window. If leadership moves, the client retries that command on the new leader
 * (its latency then includes the election) and the retry is counted.
 */
final class ClosedLoop {

  private final Supplier<RaftGroup<Integer>> leaders;
  private final Workload workload;
  private final Recorder latencies = new Recorder(3);
  private final AtomicLong retries = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final ScheduledExecutorService retryLater = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "w1-retry");
    thread.setDaemon(true);
    return thread;
  });
  private final CountDownLatch drained;
  /** The leader last used; looked up again only after a proposal fails. */
  private volatile RaftGroup<Integer> leader;
  private volatile boolean measuring;
  private volatile boolean running = true;

  /** {@code leaders} gives the current leader in this JVM, or null while there is none. */
  ClosedLoop(Supplier<RaftGroup<Integer>> leaders, Workload workload, int clients) {
    this.leaders = leaders;
    this.workload = workload;
    this.drained = new CountDownLatch(clients);
  }

  void start(int clients) {
    for (int i = 0; i < clients; i++) {
      submit(workload.next(), System.nanoTime());
    }
  }

  private void submit(byte[] command, long start) {
    if (!running) {
      drained.countDown();
      return;
    }
    RaftGroup<Integer> leader = this.leader;
    if (leader == null) {
      leader = leaders.get();
      this.leader = leader;
    }
    if (leader == null) {
      retryLater.schedule(() -> submit(command, start), 5, TimeUnit.MILLISECONDS);
      return;
    }
    leader.propose(command).whenComplete((size, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof RaftException && running) {
          retries.incrementAndGet(); // not the leader, leadership lost, too busy: try again
          this.leader = null;
          retryLater.schedule(() -> submit(command, start), 5, TimeUnit.MILLISECONDS);
        } else {
          failure.compareAndSet(null, cause);
          drained.countDown();
        }
        return;
      }
      if (measuring) {
        latencies.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
      }
      submit(workload.next(), System.nanoTime());
    });
  }

  /** Starts the measured window: discards what was recorded during warm-up. */
  void beginMeasuring() {
    latencies.reset();
    retries.set(0);
    measuring = true;
  }

  /** Ends the measured window and returns the histogram of latencies in microseconds. */
  Histogram endMeasuring() {
    measuring = false;
    return latencies.getIntervalHistogram();
  }

  /** Commands retried because leadership moved or the leader was busy, in the measured window. */
  long retries() {
    return retries.get();
  }

  Throwable failure() {
    return failure.get();
  }

  /** Stops submitting and waits (bounded) for the commands in flight. */
  void stop() throws InterruptedException {
    running = false;
    drained.await(30, TimeUnit.SECONDS);
    retryLater.shutdownNow();
  }
}

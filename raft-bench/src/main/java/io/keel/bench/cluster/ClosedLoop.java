package io.keel.bench.cluster;

import io.keel.raft.runtime.RaftGroup;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * Keeps exactly C commands in flight on the leader: each completion (committed and applied)
 * records its latency and submits the next command at once. Latencies are recorded only inside
 * the measured window.
 */
final class ClosedLoop {

  private final RaftGroup<Integer> leader;
  private final Workload workload;
  private final Recorder latencies = new Recorder(3);
  private final AtomicLong completed = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean measuring;
  private volatile boolean running = true;
  private final CountDownLatch drained;

  ClosedLoop(RaftGroup<Integer> leader, Workload workload, int clients) {
    this.leader = leader;
    this.workload = workload;
    this.drained = new CountDownLatch(clients);
  }

  void start(int clients) {
    for (int i = 0; i < clients; i++) {
      submit();
    }
  }

  private void submit() {
    if (!running) {
      drained.countDown();
      return;
    }
    long start = System.nanoTime();
    leader.propose(workload.next()).whenComplete((size, error) -> {
      if (error != null) {
        failure.compareAndSet(null, error);
        running = false;
        drained.countDown();
        return;
      }
      if (measuring) {
        latencies.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
        completed.incrementAndGet();
      }
      submit();
    });
  }

  /** Starts the measured window: discards what was recorded during warm-up. */
  void beginMeasuring() {
    latencies.reset();
    completed.set(0);
    measuring = true;
  }

  /** Ends the measured window and returns the histogram of latencies in microseconds. */
  Histogram endMeasuring() {
    measuring = false;
    return latencies.getIntervalHistogram();
  }

  long completed() {
    return completed.get();
  }

  Throwable failure() {
    return failure.get();
  }

  /** Stops submitting and waits (bounded) for the commands in flight. */
  void stop() throws InterruptedException {
    running = false;
    drained.await(30, TimeUnit.SECONDS);
  }
}

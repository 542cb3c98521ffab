package io.keel.raft.storage.file;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Records a store's reports, from whatever thread makes them, and waits for them with a bound. */
final class RecordingListener implements DurabilityListener {

  /** One log report. */
  record LogReport(long index, long term) {}

  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

  private final List<LogReport> logReports = new ArrayList<>();
  private final List<HardState> hardStateReports = new ArrayList<>();
  private final List<Exception> failures = new ArrayList<>();
  private final List<String> reportThreads = new ArrayList<>();

  @Override
  public synchronized void logDurable(long sequence, long index, long term) {
    logReports.add(new LogReport(index, term));
    reportThreads.add(Thread.currentThread().getName());
    notifyAll();
  }

  @Override
  public synchronized void hardStateDurable(HardState state) {
    hardStateReports.add(state);
    reportThreads.add(Thread.currentThread().getName());
    notifyAll();
  }

  @Override
  public synchronized void storageFailed(Exception cause) {
    failures.add(cause);
    reportThreads.add(Thread.currentThread().getName());
    notifyAll();
  }

  synchronized List<LogReport> logReports() {
    return List.copyOf(logReports);
  }

  synchronized List<HardState> hardStateReports() {
    return List.copyOf(hardStateReports);
  }

  synchronized List<Exception> failures() {
    return List.copyOf(failures);
  }

  synchronized List<String> reportThreads() {
    return List.copyOf(reportThreads);
  }

  /** Waits until {@code index}@{@code term} is reported durable. */
  synchronized void awaitLogDurable(long index, long term) throws InterruptedException {
    awaitCondition(() -> logReports.contains(new LogReport(index, term)), "log " + index + "@" + term + " durable");
  }

  /** Waits until {@code index}@{@code term} is reported durable or a failure is; false for a failure. */
  synchronized boolean awaitLogDurableOrFailure(long index, long term) throws InterruptedException {
    awaitCondition(() -> logReports.contains(new LogReport(index, term)) || !failures.isEmpty(),
        "log " + index + "@" + term + " durable, or a failure");
    return failures.isEmpty();
  }

  /** Waits until {@code state} is reported durable or a failure is; false for a failure. */
  synchronized boolean awaitHardStateDurableOrFailure(HardState state) throws InterruptedException {
    awaitCondition(() -> hardStateReports.contains(state) || !failures.isEmpty(), state + " durable, or a failure");
    return failures.isEmpty();
  }

  /** Waits until a failure is reported. */
  synchronized Exception awaitFailure() throws InterruptedException {
    awaitCondition(() -> !failures.isEmpty(), "a storage failure");
    return failures.get(0);
  }

  private void awaitCondition(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for " + what + "; reports: " + logReports + " " + failures);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}

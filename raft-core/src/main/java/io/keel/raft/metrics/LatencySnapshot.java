package io.keel.raft.metrics;

import java.time.Duration;

/**
 * A latency distribution at one moment. Percentiles are bucket upper bounds: the true value is
 * between half the figure and the figure.
 *
 * @param count how many latencies were recorded
 * @param meanNanos their exact mean
 * @param p50Nanos the median, to within a factor of two
 * @param p99Nanos the 99th percentile, to within a factor of two
 * @param maxNanos the exact maximum
 */
public record LatencySnapshot(long count, long meanNanos, long p50Nanos, long p99Nanos, long maxNanos) {

  /** Nothing recorded. */
  public static final LatencySnapshot EMPTY = new LatencySnapshot(0, 0, 0, 0, 0);

  /** The median as a duration. */
  public Duration p50() {
    return Duration.ofNanos(p50Nanos);
  }

  /** The 99th percentile as a duration. */
  public Duration p99() {
    return Duration.ofNanos(p99Nanos);
  }

  @Override
  public String toString() {
    return String.format("n=%d mean=%dus p50<=%dus p99<=%dus max=%dus", count, meanNanos / 1000,
        p50Nanos / 1000, p99Nanos / 1000, maxNanos / 1000);
  }
}

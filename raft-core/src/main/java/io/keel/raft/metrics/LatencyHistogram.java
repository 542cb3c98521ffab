package io.keel.raft.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free latency histogram with power-of-two buckets: cheap enough to record on every write
 * batch, precise to within a factor of two, which is what an operator needs to tell 100 µs from
 * 5 ms. For exact percentiles in benchmarks use HdrHistogram.
 */
public final class LatencyHistogram {

  private static final int BUCKETS = 64;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAdder total = new LongAdder();
  private final LongAdder sumNanos = new LongAdder();
  private volatile long maxNanos;

  /** Records one latency; negative values count as zero. */
  public void record(long nanos) {
    long value = Math.max(0, nanos);
    counts.incrementAndGet(bucketOf(value));
    total.increment();
    sumNanos.add(value);
    if (value > maxNanos) {
      synchronized (this) {
        if (value > maxNanos) {
          maxNanos = value;
        }
      }
    }
  }

  /** The distribution so far. */
  public LatencySnapshot snapshot() {
    long[] copy = new long[BUCKETS];
    long count = 0;
    for (int i = 0; i < BUCKETS; i++) {
      copy[i] = counts.get(i);
      count += copy[i];
    }
    if (count == 0) {
      return LatencySnapshot.EMPTY;
    }
    return new LatencySnapshot(count, sumNanos.sum() / Math.max(1, total.sum()),
        percentile(copy, count, 0.50), percentile(copy, count, 0.99), maxNanos);
  }

  /** Bucket {@code b} holds values in [2^(b-1), 2^b), bucket 0 holds zero. */
  private static int bucketOf(long nanos) {
    return 64 - Long.numberOfLeadingZeros(nanos);
  }

  /** The upper bound of the bucket holding the {@code fraction} quantile. */
  private static long percentile(long[] counts, long total, double fraction) {
    long rank = (long) Math.ceil(total * fraction);
    long seen = 0;
    for (int b = 0; b < counts.length; b++) {
      seen += counts[b];
      if (seen >= rank) {
        return b == 0 ? 0 : (b >= 63 ? Long.MAX_VALUE : (1L << b) - 1);
      }
    }
    return Long.MAX_VALUE;
  }
}

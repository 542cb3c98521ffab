package io.keel.sim.study;

import java.util.Arrays;

/**
 * Percentiles of a sample by the nearest-rank method: the p-th percentile of n sorted values is the
 * value of rank ceil(p/100 * n), counting from 1, so it is always one of the values (the median of
 * 1,000 values is the 500th, the 99th percentile the 990th).
 */
public final class Percentiles {

  private final long[] sorted;

  /** The percentiles of {@code values}, which must not be empty. */
  public Percentiles(long[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("percentiles of no values");
    }
    this.sorted = values.clone();
    Arrays.sort(sorted);
  }

  /**
   * The {@code percent}-th percentile, for {@code percent} in (0, 100].
   *
   * @throws IllegalArgumentException if {@code percent} is outside (0, 100]
   */
  public long at(double percent) {
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException("percent must be in (0, 100], got " + percent);
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length - 1e-9);
    return sorted[Math.max(1, rank) - 1];
  }

  /** The median: the 50th percentile. */
  public long median() {
    return at(50);
  }

  /** The largest value. */
  public long max() {
    return sorted[sorted.length - 1];
  }

  /** The values in ascending order (a copy). */
  public long[] sorted() {
    return sorted.clone();
  }
}

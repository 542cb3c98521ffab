package io.keel.sim.linearizability;

import java.time.Duration;

/**
 * The bounds of one check: a deadline for the whole history, and a memory budget for each key's
 * memo. Hitting either ends the check as {@link Verdict#UNKNOWN}, never as a pass.
 *
 * @param timeoutNanos time allowed for one history, all keys together
 * @param memoBytesPerKey heap one key's memo may hold
 * @param parallelism number of keys checked at once
 */
public record CheckLimits(long timeoutNanos, long memoBytesPerKey, int parallelism) {

  /** Checks that every bound is positive. */
  public CheckLimits {
    if (timeoutNanos <= 0 || memoBytesPerKey <= 0 || parallelism <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /**
   * The given timeout, one key per core, and memos that together can use at most half of the
   * heap, which leaves room for the history itself.
   */
  public static CheckLimits withTimeout(Duration timeout) {
    int cores = Runtime.getRuntime().availableProcessors();
    long memoBytes = Runtime.getRuntime().maxMemory() / 2 / cores;
    return new CheckLimits(timeout.toNanos(), memoBytes, cores);
  }

  /** The same limits with another memo budget per key. */
  public CheckLimits withMemoBytesPerKey(long bytes) {
    return new CheckLimits(timeoutNanos, bytes, parallelism);
  }
}

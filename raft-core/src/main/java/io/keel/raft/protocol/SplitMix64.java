package io.keel.raft.protocol;

/**
 * A small seeded pseudo-random generator (SplitMix64): a node's randomized timeouts, and every
 * choice the simulator makes, are a pure function of a seed and the same on every JVM.
 */
public final class SplitMix64 {

  private long state;

  /** A generator whose whole output is decided by {@code seed}. */
  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** The next 64 random bits. */
  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform value in {@code [0, bound)}, {@code bound > 0}, without modulo bias. */
  public long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0, got " + bound);
    }
    long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound;
    long value;
    do {
      value = nextLong() >>> 1;
    } while (value >= limit);
    return value % bound;
  }
}

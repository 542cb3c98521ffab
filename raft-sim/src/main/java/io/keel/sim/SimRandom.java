package io.keel.sim;

/**
 * The simulator's one source of randomness: a SplitMix64 generator, so that a seed means the same
 * run on every JVM and every platform.
 */
public final class SimRandom {

  private long state;

  /** A generator whose whole output is decided by {@code seed}. */
  public SimRandom(long seed) {
    this.state = seed;
  }

  /** The next 64 random bits. */
  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform value in {@code [0, bound)}. */
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

  /** A uniform value in {@code [min, max]}. */
  public long between(long min, long max) {
    return min + nextLong(max - min + 1);
  }

  /** True with probability {@code p}. */
  public boolean chance(double p) {
    return (nextLong() >>> 11) * 0x1.0p-53 < p;
  }
}

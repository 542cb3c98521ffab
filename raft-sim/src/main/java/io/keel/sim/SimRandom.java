package io.keel.sim;

import io.keel.raft.protocol.SplitMix64;

/**
 * The simulator's one source of randomness: the core's SplitMix64 generator, so that a seed means
 * the same run on every JVM and platform, with the draws a simulation needs.
 */
public final class SimRandom {

  private final SplitMix64 generator;

  /** A generator whose whole output is decided by {@code seed}. */
  public SimRandom(long seed) {
    this.generator = new SplitMix64(seed);
  }

  /** The next 64 random bits. */
  public long nextLong() {
    return generator.nextLong();
  }

  /** A uniform value in {@code [0, bound)}. */
  public long nextLong(long bound) {
    return generator.nextLong(bound);
  }

  /** A uniform value in {@code [min, max]}. */
  public long between(long min, long max) {
    return min + generator.nextLong(max - min + 1);
  }

  /** True with probability {@code p}. */
  public boolean chance(double p) {
    return nextDouble() < p;
  }

  /** A uniform value in {@code [0, 1)}. */
  public double nextDouble() {
    return (generator.nextLong() >>> 11) * 0x1.0p-53;
  }

  /** A uniform value in {@code [min, max)}. */
  public double between(double min, double max) {
    return min + (max - min) * nextDouble();
  }

  /** An exponentially distributed value with the given mean. */
  public double exponential(double mean) {
    return -mean * Math.log(1.0 - nextDouble());
  }

  /**
   * A new generator seeded from this one: an independent stream, so that drawing more from one
   * part of the simulation (say, the network) does not shift the draws of another (the nemesis).
   */
  public SimRandom fork() {
    return new SimRandom(nextLong());
  }
}

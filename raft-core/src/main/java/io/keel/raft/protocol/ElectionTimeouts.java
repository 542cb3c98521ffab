package io.keel.raft.protocol;

import io.keel.raft.RaftConfig;

/**
 * A node's randomized election timeouts (Raft paper §5.2), drawn uniformly from the configured
 * range by the node's own seeded generator, so that the same seed gives the same timeouts.
 */
final class ElectionTimeouts {

  private final SplitMix64 random;
  private final long minNanos;
  private final long maxNanos;

  ElectionTimeouts(RaftConfig config, long seed) {
    this.random = new SplitMix64(seed);
    this.minNanos = config.electionTimeoutMin().toNanos();
    this.maxNanos = config.electionTimeoutMax().toNanos();
  }

  /** A fresh election deadline: {@code nowNanos} plus a timeout drawn from the range. */
  long deadlineFrom(long nowNanos) {
    long spread = maxNanos - minNanos;
    return nowNanos + minNanos + (spread == 0 ? 0 : random.nextLong(spread + 1));
  }

  /** The shortest election timeout. */
  long minNanos() {
    return minNanos;
  }
}

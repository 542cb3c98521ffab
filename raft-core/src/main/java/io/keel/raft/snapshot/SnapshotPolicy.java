package io.keel.raft.snapshot;

import java.time.Duration;
import java.util.Objects;

/**
 * When a node takes a snapshot of its state machine: once {@code entries} entries, or
 * {@code bytes} bytes of commands, have been applied since the last one (or since the start), but
 * not sooner than {@code minInterval} after the last one began.
 *
 * <p>The thresholds bound the log a restart replays and a slow follower catches up by; the
 * interval bounds what snapshots cost a busy node. A snapshot costs the whole state each time (its
 * point-in-time view, then writing and syncing it), so under a high rate of small commands a
 * threshold of entries alone would snapshot a large state several times a second: with W1's
 * 100,000 keys at a quarter of a million commands a second, every 0.4 s, which cost 16 % of its
 * throughput on a 2-core machine (docs/performance.md, "Snapshots").
 *
 * @param entries entries applied since the last snapshot that call for a new one; at least 1
 * @param bytes command bytes applied since the last snapshot that call for a new one; at least 1
 * @param minInterval the least time between the starts of two snapshots; zero or more
 */
public record SnapshotPolicy(long entries, long bytes, Duration minInterval) {

  /**
   * A snapshot every 100,000 entries or 64 MiB of commands, whichever comes first, and at most
   * one every 10 seconds.
   */
  public static final SnapshotPolicy DEFAULT = new SnapshotPolicy(100_000, 64L << 20, Duration.ofSeconds(10));

  /** Validates the bounds. */
  public SnapshotPolicy {
    if (entries < 1 || bytes < 1) {
      throw new IllegalArgumentException("snapshot policy: entries and bytes must be at least 1, got "
          + entries + " and " + bytes);
    }
    Objects.requireNonNull(minInterval, "minInterval");
    if (minInterval.isNegative()) {
      throw new IllegalArgumentException("snapshot policy: minInterval must not be negative, got " + minInterval);
    }
  }

  /** A policy of the two thresholds alone, with no least interval. */
  public SnapshotPolicy(long entries, long bytes) {
    this(entries, bytes, Duration.ZERO);
  }

  /** Whether {@code entriesSince} entries of {@code bytesSince} bytes applied since the last snapshot call for one. */
  public boolean due(long entriesSince, long bytesSince) {
    return entriesSince >= entries || bytesSince >= bytes;
  }

  /**
   * Whether a snapshot may begin {@code nanosSinceLast} nanoseconds after the last began (on a
   * monotonic clock), as far as the interval goes.
   */
  public boolean intervalElapsed(long nanosSinceLast) {
    return nanosSinceLast >= minInterval.toNanos();
  }
}

package io.keel.raft.snapshot;

/**
 * When a node takes a snapshot of its state machine: once {@code entries} entries, or
 * {@code bytes} bytes of commands, have been applied since the last one (or since the start).
 *
 * @param entries entries applied since the last snapshot that call for a new one; at least 1
 * @param bytes command bytes applied since the last snapshot that call for a new one; at least 1
 */
public record SnapshotPolicy(long entries, long bytes) {

  /** A snapshot every 100,000 entries or 64 MiB of commands, whichever comes first. */
  public static final SnapshotPolicy DEFAULT = new SnapshotPolicy(100_000, 64L << 20);

  /** Validates both bounds. */
  public SnapshotPolicy {
    if (entries < 1 || bytes < 1) {
      throw new IllegalArgumentException("snapshot policy: entries and bytes must be at least 1, got "
          + entries + " and " + bytes);
    }
  }

  /** Whether {@code entriesSince} entries of {@code bytesSince} bytes applied since the last snapshot call for one. */
  public boolean due(long entriesSince, long bytesSince) {
    return entriesSince >= entries || bytesSince >= bytes;
  }
}

package io.keel.raft.storage.file;

/** When the {@link FileLogStore}'s writer forces its writes to the disk. */
public enum SyncPolicy {
  /**
   * One {@code fsync} per batch of writes (the default): a write is reported durable only once it
   * is on the disk. Many appends that arrive while the previous batch syncs share the next fsync.
   */
  FSYNC_PER_BATCH,
  /**
   * Never sync: writes are reported durable as soon as the operating system has them. <b>Unsafe</b>:
   * a power loss or kernel crash loses acknowledged entries, which breaks Raft's guarantees. For
   * tests and benchmarks only.
   */
  NONE
}

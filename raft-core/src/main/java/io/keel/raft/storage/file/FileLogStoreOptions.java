package io.keel.raft.storage.file;

import java.util.Objects;

/**
 * Settings of a {@link FileLogStore}, validated when built: each out-of-range value is refused
 * with a message naming the field and its range. Start from {@link #defaults()} and change what
 * you need with the {@code with...} methods.
 *
 * @param segmentSizeBytes a segment is rolled over once the next record would take it past this
 *     size (a single larger record gets a segment of its own)
 * @param maxBatchEntries the most entries written and synced as one batch
 * @param maxBatchBytes the most bytes of records written and synced as one batch
 * @param cacheBytes how many bytes of recent entries to keep in memory for reads, besides the
 *     entries not yet written (which are always kept)
 * @param syncPolicy when writes are forced to the disk
 * @param fileIo how files are opened (a seam for tests)
 */
public record FileLogStoreOptions(
    long segmentSizeBytes,
    int maxBatchEntries,
    long maxBatchBytes,
    long cacheBytes,
    SyncPolicy syncPolicy,
    FileIo fileIo) {

  /** The smallest segment size accepted. */
  public static final long MIN_SEGMENT_SIZE_BYTES = 1024;
  /** The largest segment size accepted: 1 GiB. */
  public static final long MAX_SEGMENT_SIZE_BYTES = 1L << 30;
  /** The most entries a batch may be configured to hold. */
  public static final int MAX_BATCH_ENTRIES = 1 << 20;
  /** The smallest byte bound of a batch. */
  public static final long MIN_BATCH_BYTES = 4096;
  /** The largest byte bound of a batch: 256 MiB. */
  public static final long MAX_BATCH_BYTES = 1L << 28;

  /** Validates the settings. */
  public FileLogStoreOptions {
    checkRange("segmentSizeBytes", segmentSizeBytes, MIN_SEGMENT_SIZE_BYTES, MAX_SEGMENT_SIZE_BYTES);
    checkRange("maxBatchEntries", maxBatchEntries, 1, MAX_BATCH_ENTRIES);
    checkRange("maxBatchBytes", maxBatchBytes, MIN_BATCH_BYTES, MAX_BATCH_BYTES);
    checkRange("cacheBytes", cacheBytes, 0, Long.MAX_VALUE);
    Objects.requireNonNull(syncPolicy, "syncPolicy");
    Objects.requireNonNull(fileIo, "fileIo");
  }

  /**
   * 64 MiB segments, batches of up to 4,096 entries or 4 MiB, an 8 MiB cache, an fsync per batch.
   * The cache covers the entries followers and the state machine read while they keep up; a larger
   * one mostly keeps entries alive long enough to be copied into the old generation by the GC.
   */
  public static FileLogStoreOptions defaults() {
    return new FileLogStoreOptions(64L << 20, 4096, 4L << 20, 8L << 20, SyncPolicy.FSYNC_PER_BATCH, FileIo.DEFAULT);
  }

  /** These settings with another segment size. */
  public FileLogStoreOptions withSegmentSizeBytes(long value) {
    return new FileLogStoreOptions(value, maxBatchEntries, maxBatchBytes, cacheBytes, syncPolicy, fileIo);
  }

  /** These settings with another bound on the entries of a batch. */
  public FileLogStoreOptions withMaxBatchEntries(int value) {
    return new FileLogStoreOptions(segmentSizeBytes, value, maxBatchBytes, cacheBytes, syncPolicy, fileIo);
  }

  /** These settings with another bound on the bytes of a batch. */
  public FileLogStoreOptions withMaxBatchBytes(long value) {
    return new FileLogStoreOptions(segmentSizeBytes, maxBatchEntries, value, cacheBytes, syncPolicy, fileIo);
  }

  /** These settings with another read cache size. */
  public FileLogStoreOptions withCacheBytes(long value) {
    return new FileLogStoreOptions(segmentSizeBytes, maxBatchEntries, maxBatchBytes, value, syncPolicy, fileIo);
  }

  /** These settings with another sync policy. */
  public FileLogStoreOptions withSyncPolicy(SyncPolicy value) {
    return new FileLogStoreOptions(segmentSizeBytes, maxBatchEntries, maxBatchBytes, cacheBytes, value, fileIo);
  }

  /** These settings with another way of opening files. */
  public FileLogStoreOptions withFileIo(FileIo value) {
    return new FileLogStoreOptions(segmentSizeBytes, maxBatchEntries, maxBatchBytes, cacheBytes, syncPolicy, value);
  }

  private static void checkRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], got " + value);
    }
  }
}

package io.keel.raft.storage.file;

import java.util.Objects;

/**
 * Settings of a {@link FileSnapshotStore}, validated when built: an out-of-range value is refused
 * with a message naming the field and its range. Start from {@link #defaults()}.
 *
 * @param bufferBytes how many payload bytes a sink gathers before it writes them, and a stream reads
 *     at a time: the most memory a sink or a stream holds, whatever the payload's size
 * @param verifyOnOpen whether opening the store reads the latest snapshot's whole payload to check
 *     its CRC (its header and length are always checked). Off, a damaged payload is still caught,
 *     by the stream that restores it, but only once the state machine has read it all
 * @param fileIo how files are opened, renamed and deleted (a seam for tests)
 */
public record FileSnapshotStoreOptions(int bufferBytes, boolean verifyOnOpen, FileIo fileIo) {

  /** The smallest buffer accepted. */
  public static final int MIN_BUFFER_BYTES = 4096;
  /** The largest buffer accepted: 64 MiB. */
  public static final int MAX_BUFFER_BYTES = 64 << 20;

  /** Validates the settings. */
  public FileSnapshotStoreOptions {
    if (bufferBytes < MIN_BUFFER_BYTES || bufferBytes > MAX_BUFFER_BYTES) {
      throw new IllegalArgumentException("bufferBytes must be in [" + MIN_BUFFER_BYTES + ", " + MAX_BUFFER_BYTES
          + "], got " + bufferBytes);
    }
    Objects.requireNonNull(fileIo, "fileIo");
  }

  /** 1 MiB buffers, the latest snapshot's payload verified on open, plain files. */
  public static FileSnapshotStoreOptions defaults() {
    return new FileSnapshotStoreOptions(1 << 20, true, FileIo.DEFAULT);
  }

  /** These settings with another buffer size. */
  public FileSnapshotStoreOptions withBufferBytes(int value) {
    return new FileSnapshotStoreOptions(value, verifyOnOpen, fileIo);
  }

  /** These settings with the payload verified on open, or not. */
  public FileSnapshotStoreOptions withVerifyOnOpen(boolean value) {
    return new FileSnapshotStoreOptions(bufferBytes, value, fileIo);
  }

  /** These settings with another way of opening, renaming and deleting files. */
  public FileSnapshotStoreOptions withFileIo(FileIo value) {
    return new FileSnapshotStoreOptions(bufferBytes, verifyOnOpen, value);
  }
}

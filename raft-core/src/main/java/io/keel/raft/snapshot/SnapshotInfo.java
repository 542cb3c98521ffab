package io.keel.raft.snapshot;

import java.util.Objects;

/**
 * A complete snapshot a {@link SnapshotStore} holds durably: what it stands for, how long its
 * payload (the state machine's bytes) is, the payload's checksum, and the name under which the
 * store keeps it.
 *
 * @param meta the index, term and voters the snapshot stands for
 * @param sizeBytes the payload's length in bytes
 * @param checksum the payload's CRC-32C (Castagnoli), as {@link java.util.zip.CRC32C#getValue()}
 *     gives it: from 0 to 2<sup>32</sup> - 1
 * @param name the store's name for the snapshot (for the file store, the file's name)
 */
public record SnapshotInfo(SnapshotMeta meta, long sizeBytes, long checksum, String name) {

  /** The largest checksum value: a CRC-32C has 32 bits. */
  public static final long MAX_CHECKSUM = 0xFFFF_FFFFL;

  /** Validates the fields. */
  public SnapshotInfo {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(name, "name");
    checkPayload(sizeBytes, checksum);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a snapshot's name must not be empty");
    }
  }

  /**
   * Refuses a negative size or a checksum that is not a 32-bit CRC value, as every store refuses
   * them in {@link SnapshotStore#receive}.
   *
   * @throws IllegalArgumentException naming the wrong value
   */
  public static void checkPayload(long sizeBytes, long checksum) {
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("a snapshot's size must not be negative, got " + sizeBytes);
    }
    if (checksum < 0 || checksum > MAX_CHECKSUM) {
      throw new IllegalArgumentException("a snapshot's checksum is a CRC-32C, from 0 to " + MAX_CHECKSUM + ", got "
          + checksum);
    }
  }

  /** The index of the last entry the snapshot includes. */
  public long lastIndex() {
    return meta.lastIndex();
  }

  @Override
  public String toString() {
    return name + " (" + meta + ", " + sizeBytes + " bytes, crc32c " + Long.toHexString(checksum) + ")";
  }
}

package io.keel.raft.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot is damaged, incomplete, or in a format this build does not read: its bytes do not
 * match their checksum, a received snapshot does not match the checksum its sender declared, or a
 * snapshot directory holds something it cannot explain. The message names the file (or, in memory,
 * the snapshot) and the byte offset of the damage when there is one; nothing is dropped silently.
 */
public final class CorruptSnapshotException extends IOException {

  private final transient Path file;
  /** The damaged file or in-memory snapshot, as text: it survives serialization, the path does not. */
  private final String location;
  /** The byte offset of the damage, or -1 for the snapshot as a whole. */
  private final long offset;

  /** Damage in {@code file} at byte {@code offset} (-1: the file as a whole), described by {@code problem}. */
  public CorruptSnapshotException(Path file, long offset, String problem) {
    super(file + (offset >= 0 ? " at offset " + offset : "") + ": " + problem);
    this.file = file;
    this.location = file.toString();
    this.offset = offset;
  }

  /**
   * Damage in a snapshot that is not a file (an in-memory store's), named by {@code location}, at
   * byte {@code offset} (-1: the snapshot as a whole), described by {@code problem}.
   */
  public CorruptSnapshotException(String location, long offset, String problem) {
    super(location + (offset >= 0 ? " at offset " + offset : "") + ": " + problem);
    this.file = null;
    this.location = location;
    this.offset = offset;
  }

  /** The damaged file, or null if the snapshot is not a file. */
  public Path file() {
    return file;
  }

  /** Where the damage is: the file's path, or the in-memory snapshot's name. */
  public String location() {
    return location;
  }

  /** The byte offset of the damage in the file, or -1 if the whole file or snapshot is at fault. */
  public long offset() {
    return offset;
  }
}

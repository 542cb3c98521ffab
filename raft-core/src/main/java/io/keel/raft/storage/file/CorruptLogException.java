package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A log directory cannot be opened because a file in it is damaged where a crash cannot have
 * damaged it, is missing, does not belong there, or is in a format this build does not read. The
 * message names the file, and the byte offset of the damage when there is one; nothing is
 * repaired or dropped.
 */
public final class CorruptLogException extends IOException {

  private final transient Path file;
  /** The byte offset of the damage, or -1 for the file as a whole. */
  private final long offset;

  /** Damage in {@code file} at byte {@code offset}, described by {@code problem}. */
  public CorruptLogException(Path file, long offset, String problem) {
    super(file + " at offset " + offset + ": " + problem);
    this.file = file;
    this.offset = offset;
  }

  /**
   * A problem with {@code file} as a whole (it is missing, misnamed or unexpected), described by
   * {@code problem}; its {@link #offset()} is -1.
   */
  public CorruptLogException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.offset = -1;
  }

  /** The damaged, missing or unexpected file. */
  public Path file() {
    return file;
  }

  /** The byte offset in {@link #file()} where the damage starts, or -1 if the whole file is at fault. */
  public long offset() {
    return offset;
  }
}

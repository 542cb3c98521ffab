package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A log directory cannot be opened because a file in it is damaged where a crash cannot have
 * damaged it, or is in a format this build does not read. The message names the file and the byte
 * offset of the damage; nothing is repaired or dropped.
 */
public final class CorruptLogException extends IOException {

  private final transient Path file;
  private final long offset;

  /** Damage in {@code file} at byte {@code offset}, described by {@code problem}. */
  public CorruptLogException(Path file, long offset, String problem) {
    super(file + " at offset " + offset + ": " + problem);
    this.file = file;
    this.offset = offset;
  }

  /** The damaged file. */
  public Path file() {
    return file;
  }

  /** The byte offset in {@link #file()} where the damage starts. */
  public long offset() {
    return offset;
  }
}

package io.keel.raft.snapshot;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A stored snapshot opened for reading: by chunks at any offset (to send it to a follower) or as a
 * stream (to restore a state machine from it). Reads never load the whole payload.
 *
 * <p>A source stays readable after a newer snapshot replaces the one it reads, until it is
 * closed: the file store keeps the file open, and on Linux and other POSIX systems an open file
 * survives the removal of its name. Its methods may be called from several threads.
 */
public interface SnapshotSource extends Closeable {

  /** The snapshot this source reads. */
  SnapshotInfo info();

  /** The payload's length in bytes. */
  long size();

  /**
   * Reads payload bytes from {@code offset} into {@code destination}: as many as fit, or as remain
   * before the end. Does not check the payload's checksum (the receiver checks the whole).
   *
   * @return the bytes read, or -1 if {@code offset} is at or past the end
   * @throws IllegalArgumentException if {@code offset} is negative
   * @throws IOException if the bytes cannot be read, or the snapshot ends early
   */
  int read(long offset, ByteBuffer destination) throws IOException;

  /**
   * The payload from its first byte, as a new stream. When the stream reaches the end of the
   * payload it checks the payload's checksum, and throws {@link CorruptSnapshotException}
   * (naming the snapshot) instead of reporting the end if it does not match: a state machine
   * that reads to the end has restored from intact bytes, or learns that it has not. Closing the
   * stream does not close the source.
   */
  InputStream stream() throws IOException;
}

package io.keel.raft.snapshot;

import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

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

  /**
   * The snapshot as a directory of files, if the store keeps it as one (see {@link
   * StateMachineSnapshot#directory()}); empty, the default, otherwise. Nothing in it may be changed.
   */
  default Optional<Path> directory() {
    return Optional.empty();
  }

  /**
   * Restores {@code stateMachine} from this snapshot: from its {@link #directory()} if it has one
   * and the state machine {@link StateMachine#restoreFromDirectory restores from directories},
   * otherwise from its {@link #stream()}.
   *
   * @throws IOException if the snapshot cannot be read or the state machine cannot restore it
   */
  default void restoreInto(StateMachine<?> stateMachine) throws IOException {
    long lastIndex = info().lastIndex();
    Optional<Path> files = directory();
    if (files.isPresent() && stateMachine.restoreFromDirectory(lastIndex, files.get())) {
      return;
    }
    try (InputStream in = stream()) {
      stateMachine.restore(lastIndex, in);
    }
  }
}

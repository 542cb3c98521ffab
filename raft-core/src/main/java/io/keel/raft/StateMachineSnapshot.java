package io.keel.raft;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A point-in-time view of a state machine's state ({@link StateMachine#snapshot()}), taken between
 * two applies and written out later, possibly on another thread while applying goes on. The view
 * must not change as the state machine applies more: a copy-on-write structure, an immutable
 * persistent map, or a store's checkpoint gives that cheaply; a deep copy works for small states.
 */
public interface StateMachineSnapshot extends AutoCloseable {

  /**
   * Writes the view to {@code out}, in a form {@link StateMachine#restore} reads back. Stream it: a
   * state of gigabytes must not be built as one array. Called once, on a thread of Keel's.
   */
  void writeTo(OutputStream out) throws IOException;

  /**
   * The view as a directory of files on this node's disk that stay unchanged until {@link
   * #close()} (a store's checkpoint), if it is one; empty, the default, otherwise. A snapshot store
   * that keeps snapshots as directories links these files instead of copying the bytes {@link
   * #writeTo} would stream; any other store streams them.
   */
  default Optional<Path> directory() {
    return Optional.empty();
  }

  /** Releases what the view holds (a checkpoint, a pinned version), once written or abandoned. */
  @Override
  default void close() {}
}

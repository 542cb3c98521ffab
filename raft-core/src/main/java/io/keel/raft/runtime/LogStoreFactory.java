package io.keel.raft.runtime;

import io.keel.raft.DurabilityListener;
import io.keel.raft.LogStore;
import java.io.IOException;

/**
 * Opens a group's {@link LogStore}, wired to the listener through which the runtime learns what
 * became durable. The runtime closes the store when the group stops if it is
 * {@link AutoCloseable}. For the file log: {@code listener -> FileLogStore.open(dir, options, listener)}.
 */
@FunctionalInterface
public interface LogStoreFactory {

  /** Opens the store; its reports must go to {@code listener}. */
  LogStore open(DurabilityListener listener) throws IOException;

  /**
   * The largest command the store can hold, in bytes; a group whose {@code maxCommandBytes} is
   * larger is refused when its options are built. Unlimited by default.
   */
  default long maxCommandBytes() {
    return Long.MAX_VALUE;
  }
}

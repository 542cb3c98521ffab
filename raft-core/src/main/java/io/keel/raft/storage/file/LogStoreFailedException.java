package io.keel.raft.storage.file;

/**
 * A write was refused because the {@link FileLogStore} failed earlier (a full disk, an I/O error)
 * or was closed. The cause is the original failure, if any. Nothing written after the failure is
 * ever reported durable; the node must be restarted on a reopened store.
 */
public final class LogStoreFailedException extends IllegalStateException {

  /** A refusal explained by {@code message}, caused by {@code cause} (may be null). */
  public LogStoreFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}

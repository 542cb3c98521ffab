package io.keel.kv.rocks;

/**
 * RocksDB failed while a replica applied or flushed: no result of any command, since another
 * replica would not fail alike, so it is an {@link Error}, and Keel stops the replica, whose state
 * is then unknown. A restart reopens the database at its last complete flush.
 */
public final class StoreFailure extends Error {

  private static final long serialVersionUID = 1L;

  StoreFailure(String message, Throwable cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}

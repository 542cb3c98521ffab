package io.keel.raft.session;

import io.keel.raft.RaftException;

/**
 * The answer to a retried command whose first application threw: the state machine's exception is
 * kept as its type and message, and the retry fails with them (the first attempt failed with the
 * exception itself). The command was applied once, and failed.
 */
public final class SessionCommandFailedException extends RaftException {

  private final String failureType;

  SessionCommandFailedException(String failureType, String message) {
    super(failureType + ": " + message);
    this.failureType = failureType;
  }

  /** The class name of the exception the first application threw. */
  public String failureType() {
    return failureType;
  }
}

package io.keel.raft;

/** The base type of the exceptions with which Keel fails a proposal. */
public class RaftException extends RuntimeException {

  /** An exception with a message. */
  public RaftException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public RaftException(String message, Throwable cause) {
    super(message, cause);
  }
}

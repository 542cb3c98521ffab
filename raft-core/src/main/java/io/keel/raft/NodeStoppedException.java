package io.keel.raft;

/**
 * The node was stopped (shut down by its owner, or by its runtime after an unexpected error)
 * before the proposal's outcome was known. The command may or may not have been committed.
 */
public final class NodeStoppedException extends RaftException {

  /** The node stopped, for the reason given. */
  public NodeStoppedException(String message) {
    super(message);
  }

  /** The node stopped because of {@code cause}. */
  public NodeStoppedException(String message, Throwable cause) {
    super(message, cause);
  }
}

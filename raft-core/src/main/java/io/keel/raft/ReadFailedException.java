package io.keel.raft;

/**
 * A linearizable read could not be served: the leader lost its leadership before a quorum
 * confirmed it, a follower's leader refused or did not answer, or the node stopped. Nothing was
 * read and nothing changed, so retrying (on the leader, or another node) is always safe.
 */
public final class ReadFailedException extends RaftException {

  /** A failure described by {@code message}. */
  public ReadFailedException(String message) {
    super(message);
  }
}

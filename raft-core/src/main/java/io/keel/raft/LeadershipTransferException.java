package io.keel.raft;

/**
 * A leadership transfer was refused or abandoned, or a proposal was refused because one is under
 * way (the leader accepts no proposal while it hands over, Raft thesis §3.10). After an abandoned
 * transfer the leader serves again.
 */
public final class LeadershipTransferException extends RaftException {

  /** A failure described by {@code message}. */
  public LeadershipTransferException(String message) {
    super(message);
  }
}

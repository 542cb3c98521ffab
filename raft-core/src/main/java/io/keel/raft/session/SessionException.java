package io.keel.raft.session;

import io.keel.raft.RaftException;

/**
 * A session command the {@link SessionStateMachine} refused, with why; every replica refuses it
 * alike. The command was not applied by this attempt: an {@link Reason#UNKNOWN_SESSION} client
 * registers again (its earlier commands' outcomes are then unknown to it), and a
 * {@link Reason#RESULT_DISCARDED} command was applied before, its result no longer kept.
 */
public final class SessionException extends RaftException {

  /** Why a session command was refused. */
  public enum Reason {
    /** The session was never registered, expired after its timeout without commands, or was evicted to make room. */
    UNKNOWN_SESSION,
    /**
     * The command was applied before, but its result is no longer kept: the client said it had it
     * (a later command acknowledged it), or the session kept more results than its limit.
     */
    RESULT_DISCARDED
  }

  private final Reason reason;
  private final long clientId;

  SessionException(Reason reason, long clientId, String message) {
    super(message);
    this.reason = reason;
    this.clientId = clientId;
  }

  /** Why the command was refused. */
  public Reason reason() {
    return reason;
  }

  /** The client whose command it was. */
  public long clientId() {
    return clientId;
  }
}

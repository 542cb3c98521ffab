package io.keel.raft;

/**
 * A membership change was refused or did not finish; {@link #reason()} says whether to retry.
 * (A change whose leader lost leadership before it committed fails with
 * {@link LeadershipLostException} instead: its outcome is unknown.)
 */
public final class ConfigurationChangeException extends RaftException {

  /** Why a change failed. */
  public enum Reason {
    /** Another change, or a leadership transfer, is under way: retry once it is done. */
    IN_PROGRESS,
    /** The leader has not yet committed an entry of its own term: retry shortly. */
    NOT_READY,
    /** The change cannot apply to the configuration in force (an unknown node, no voter left, ...). */
    INVALID,
    /** A node to become a voter did not catch up with the leader within the catch-up timeout. */
    NOT_CAUGHT_UP
  }

  private final Reason reason;

  /** A failure for {@code reason}, described by {@code message}. */
  public ConfigurationChangeException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Why the change failed. */
  public Reason reason() {
    return reason;
  }
}

package io.keel.raft;

/** What a log entry carries. */
public enum EntryType {
  /** A client command, applied to the {@link StateMachine}. */
  COMMAND,
  /**
   * The empty entry a new leader appends at the start of its term (Raft thesis §6.4): committing it
   * commits every earlier entry. It is never passed to the state machine.
   */
  NO_OP
}

package io.keel.sim.check;

import java.util.Objects;

/**
 * Every proposal acknowledged OK was applied exactly once: its attempt is in the committed log once
 * (a second copy is caught as the log commits), and the result the client received is the result
 * the state machines gave at that index.
 */
public final class AppliedExactlyOnce {

  private final CommittedLog committed;
  private final StateMachineSafety stateMachines;
  private long acknowledged;

  AppliedExactlyOnce(CommittedLog committed, StateMachineSafety stateMachines) {
    this.committed = committed;
    this.stateMachines = stateMachines;
  }

  /** A client received {@code result} for attempt {@code attemptId}. */
  void onAcknowledged(long attemptId, Object result) {
    Long index = committed.indexOf(attemptId);
    if (index == null) {
      throw Violation.safety("Applied Exactly Once", "attempt " + attemptId
          + " was acknowledged but is not in the committed log");
    }
    Object applied = stateMachines.resultAt(index);
    if (!Objects.equals(applied, result)) {
      throw Violation.safety("Applied Exactly Once", "attempt " + attemptId + " was acknowledged with " + result
          + " but the state machines gave " + applied + " at its index " + index);
    }
    acknowledged++;
  }

  /** How many acknowledgements were checked. */
  long acknowledged() {
    return acknowledged;
  }
}

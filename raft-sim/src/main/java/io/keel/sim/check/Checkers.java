package io.keel.sim.check;

import io.keel.sim.SimulatedNode;
import java.util.List;

/**
 * Every safety property the simulator checks, in the order they run after each event: the node's
 * own invariants, then the committed log (which the later checks read), Election Safety, Leader
 * Append-Only, Log Matching, Leader Completeness and Committed Entries Kept; State Machine Safety
 * and Applied Exactly Once are checked as commands are applied and acknowledged.
 */
public final class Checkers {

  private final ElectionSafety electionSafety = new ElectionSafety();
  private final LeaderCompleteness leaderCompleteness = new LeaderCompleteness();
  private final CommittedLog committedLog = leaderCompleteness.committedLog();
  private final StateMachineSafety stateMachineSafety = new StateMachineSafety();
  private final AppliedExactlyOnce appliedExactlyOnce = new AppliedExactlyOnce(committedLog, stateMachineSafety);
  private final List<Invariant> invariants = List.of(
      committedLog,
      electionSafety,
      new LeaderAppendOnly(),
      new LogMatching(),
      leaderCompleteness,
      new CommittedEntriesKept(committedLog));

  /** A violation found while a node applied a command, held until the event ends. */
  private Violation duringApply;

  /** Checks every invariant after an event that touched {@code touched}, or a cluster-wide one (null). */
  public void afterEvent(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched) {
    if (duringApply != null) {
      throw duringApply;
    }
    if (touched != null && !touched.isCrashed()) {
      try {
        touched.raft().checkInvariants();
      } catch (IllegalStateException e) {
        throw Violation.safety("Node Invariants", e.getMessage());
      }
    }
    for (Invariant invariant : invariants) {
      invariant.check(nodes, touched);
    }
  }

  /** A node started with an empty state machine. */
  public void onStart(int node, int nodes) {
    stateMachineSafety.onStart(node, nodes);
  }

  /**
   * A node's state machine applied a client attempt. This runs inside the node's apply, where an
   * exception would only fail the proposal, so a violation is held and thrown after the event.
   */
  public void onApplied(int node, long index, long attemptId, Object result) {
    try {
      stateMachineSafety.onApplied(node, index, attemptId, result);
    } catch (Violation violation) {
      if (duringApply == null) {
        duringApply = violation;
      }
    }
  }

  /** A client received a result for an attempt. */
  public void onAcknowledged(long attemptId, Object result) {
    appliedExactlyOnce.onAcknowledged(attemptId, result);
  }

  /** How many terms elected a leader. */
  public int termsWithLeader() {
    return electionSafety.termsWithLeader();
  }

  /** How many entries are committed. */
  public long committed() {
    return committedLog.size();
  }
}

package io.keel.sim.check;

import io.keel.raft.protocol.ImpossibleMessage;
import io.keel.raft.protocol.Role;
import io.keel.sim.SimulatedNode;
import java.util.List;

/**
 * Every safety property the simulator checks, in the order they run after each event: the node's
 * own invariants, then the committed log (which the later checks read), Election Safety, Leader
 * Append-Only, Log Matching, Leader Completeness and Committed Entries Kept; State Machine Safety
 * and Applied Exactly Once are checked as commands are applied and acknowledged.
 *
 * <p>Whatever the run, no node may stop unless its disk failed ({@code Nodes Keep Running}). In a
 * run of correct nodes, no node may refuse a message as impossible ({@code No Impossible
 * Messages}): that would be the core's checks refusing what a correct peer sent. In a run with a
 * lying member ({@link io.keel.sim.FaultKind#ROGUE}), which may break Raft's guarantees by design,
 * only the nodes' own invariants and that no node stops are checked.
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

  private final boolean rogue;
  /** A violation found inside a node's call (an apply, a refusal), held until the event ends. */
  private Violation duringApply;
  private long impossibleMessages;

  /** The checkers of a run of correct nodes. */
  public Checkers() {
    this(false);
  }

  /** The checkers of a run with a lying member if {@code rogue}, else of correct nodes. */
  public Checkers(boolean rogue) {
    this.rogue = rogue;
  }

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
      if (touched.raft().role() == Role.FAILED && !touched.disk().failed()) {
        throw Violation.safety("Nodes Keep Running", touched.id() + " stopped though its disk did not fail: "
            + touched.raft().failure().map(Throwable::toString).orElse("no reason"));
      }
    }
    if (rogue) {
      return;
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
    if (rogue) {
      return; // forged entries may be applied: no state machine property holds with a liar
    }
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
    if (!rogue) {
      appliedExactlyOnce.onAcknowledged(attemptId, result);
    }
  }

  /**
   * Node {@code node} refused a message as impossible. Only a liar sends one, so in a run of
   * correct nodes this is a violation, held and thrown after the event.
   */
  public void onImpossible(int node, ImpossibleMessage impossible) {
    impossibleMessages++;
    if (!rogue && duringApply == null) {
      duringApply = Violation.safety("No Impossible Messages", "n" + node + " refused a message from a correct "
          + "peer as impossible: " + impossible.reason() + " (" + impossible.message() + ")");
    }
  }

  /** How many messages nodes refused as impossible. */
  public long impossibleMessages() {
    return impossibleMessages;
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

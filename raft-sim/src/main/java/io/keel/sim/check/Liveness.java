package io.keel.sim.check;

import io.keel.sim.Durations;
import io.keel.sim.SimulatedNode;
import java.util.List;

/**
 * Liveness after the heal (or from a time a scenario names): within the bound, a proposal submitted
 * after the heal commits; and leadership settles: in the second half of the bound, no more
 * elections begin than the storm limit allows. A healthy cluster needs a few elections at most
 * right after a heal and none later; a cluster that keeps electing is in an election storm. And
 * every node catches up: by the end of the run, each running node has applied everything any node
 * had committed when the window opened (by log, or by a snapshot when the leader compacted what it
 * lacks), or at least still applies more. Each failure is a livelock.
 */
public final class Liveness {

  private long startNanos;
  private final long boundNanos;
  private final int stormElections;
  private final boolean expectCommits;
  private long termAtSettled = -1;
  private long firstCommitNanos = -1;
  private boolean judged;
  /** The highest commit index any running node held when the window opened; -1 until then. */
  private long commitAtStart = -1;
  /** When the catch-up is judged (the run's end); -1 if not. */
  private long catchUpNanos = -1;
  /** What each node had applied when the window closed; null until then. */
  private long[] appliedAtDeadline;

  /**
   * Liveness judged from {@code startNanos} (negative: not judged) for {@code boundNanos}; with
   * {@code expectCommits}, a proposal submitted in that window must commit within it.
   */
  public Liveness(long startNanos, long boundNanos, int stormElections, boolean expectCommits) {
    this.startNanos = startNanos;
    this.boundNanos = boundNanos;
    this.stormElections = stormElections;
    this.expectCommits = expectCommits;
  }

  /** Opens the window at {@code newStartNanos} instead, before the run begins. */
  public void startAt(long newStartNanos) {
    this.startNanos = newStartNanos;
  }

  /** When the window opens. */
  public long startNanos() {
    return startNanos;
  }

  /** When the window closes and the run is judged. */
  public long deadlineNanos() {
    return startNanos + boundNanos;
  }

  /** When the second half of the window, in which elections count towards a storm, begins. */
  public long settledNanos() {
    return startNanos + boundNanos / 2;
  }

  /**
   * The time is {@code nowNanos} and {@code maxTerm} is the highest term in which a member leads or
   * knows its leader: a node that campaigns alone in vain, cut off or removed, does not storm.
   */
  public void observe(long nowNanos, long maxTerm) {
    if (startNanos < 0 || nowNanos < settledNanos() || judged) {
      return;
    }
    if (termAtSettled < 0) {
      termAtSettled = maxTerm;
    }
    long elections = maxTerm - termAtSettled;
    if (elections > stormElections) {
      judged = true;
      throw Violation.livelock("Liveness", "election storm: " + elections + " elections between "
          + Durations.formatNanos(settledNanos()) + " and " + Durations.formatNanos(nowNanos)
          + ", when leadership should have settled after " + Durations.formatNanos(startNanos)
          + (firstCommitNanos < 0 ? "; no proposal committed" : ""));
    }
    if (nowNanos >= deadlineNanos()) {
      judged = true;
      if (expectCommits && firstCommitNanos < 0) {
        throw Violation.livelock("Liveness", "no proposal submitted after " + Durations.formatNanos(startNanos)
            + " committed within " + Durations.formatNanos(boundNanos) + " (" + elections
            + " elections in the second half of that time)");
      }
    }
  }

  /** Judges at {@code endNanos} (the run's end, after the window) that every node caught up. */
  public void judgeCatchUpAt(long endNanos) {
    this.catchUpNanos = endNanos;
  }

  /**
   * At the LIVENESS events: when the window opens, notes what is committed; when it closes, what
   * each node has applied; at the run's end, checks that each running node applied what was
   * committed when the window opened, or at least still makes progress towards it (a follower far
   * behind on a slow setting catches up slowly, but a stuck one applies nothing at all).
   */
  public void observeNodes(long nowNanos, List<? extends SimulatedNode<?>> nodes) {
    if (startNanos < 0 || catchUpNanos < 0 || nowNanos < startNanos) {
      return;
    }
    if (commitAtStart < 0) {
      commitAtStart = 0;
      for (SimulatedNode<?> node : nodes) {
        if (!node.isCrashed()) {
          commitAtStart = Math.max(commitAtStart, node.raft().commitIndex());
        }
      }
    } else if (nowNanos >= deadlineNanos() && appliedAtDeadline == null) {
      appliedAtDeadline = new long[nodes.size()];
      for (int i = 0; i < nodes.size(); i++) {
        appliedAtDeadline[i] = nodes.get(i).isCrashed() ? -1 : nodes.get(i).raft().lastApplied();
      }
    } else if (nowNanos >= catchUpNanos && appliedAtDeadline != null) {
      for (int i = 0; i < nodes.size(); i++) {
        SimulatedNode<?> node = nodes.get(i);
        long applied = node.isCrashed() ? Long.MAX_VALUE : node.raft().lastApplied();
        if (applied < commitAtStart && applied <= appliedAtDeadline[i]) {
          throw Violation.livelock("Catch-Up", node.id() + " is stuck at applied index " + applied + " ("
              + node.raft() + ") from " + Durations.formatNanos(deadlineNanos()) + " to " + Durations.formatNanos(nowNanos)
              + ", though " + commitAtStart + " was committed when the cluster healed at "
              + Durations.formatNanos(startNanos));
        }
      }
      appliedAtDeadline = null;
      catchUpNanos = -1;
    }
  }

  /** A proposal submitted at {@code submittedNanos} was acknowledged at {@code nowNanos}. */
  public void onAcknowledged(long submittedNanos, long nowNanos) {
    if (startNanos >= 0 && submittedNanos >= startNanos && firstCommitNanos < 0) {
      firstCommitNanos = nowNanos;
    }
  }

  /** When the first proposal submitted in the window committed, or -1. */
  public long firstCommitNanos() {
    return firstCommitNanos;
  }

  /** Whether the window has closed and been judged. */
  public boolean judged() {
    return judged;
  }
}

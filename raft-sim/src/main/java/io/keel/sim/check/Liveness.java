package io.keel.sim.check;

import io.keel.sim.Durations;

/**
 * Liveness after the heal (or from a time a scenario names): within the bound, a proposal submitted
 * after the heal commits; and leadership settles: in the second half of the bound, no more
 * elections begin than the storm limit allows. A healthy cluster needs a few elections at most
 * right after a heal and none later; a cluster that keeps electing is in an election storm. Either
 * failure is a livelock.
 */
public final class Liveness {

  private long startNanos;
  private final long boundNanos;
  private final int stormElections;
  private final boolean expectCommits;
  private long termAtSettled = -1;
  private long firstCommitNanos = -1;
  private boolean judged;

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

  /** The time is {@code nowNanos} and the highest term any node holds is {@code maxTerm}. */
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

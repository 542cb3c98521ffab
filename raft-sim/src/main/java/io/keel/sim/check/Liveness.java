package io.keel.sim.check;

import io.keel.sim.Durations;

/**
 * Liveness after the heal: within the bound, a leader is elected and a proposal submitted after the
 * heal commits; and the cluster does not spend that time in an election storm, more elections than
 * the limit allows. Either failure is a livelock.
 */
public final class Liveness {

  private long startNanos;
  private final long boundNanos;
  private final int stormElections;
  private final boolean expectCommits;
  private long termAtStart = -1;
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

  /** The time is {@code nowNanos} and the highest term any node holds is {@code maxTerm}. */
  public void observe(long nowNanos, long maxTerm) {
    if (startNanos < 0 || nowNanos < startNanos || judged) {
      return;
    }
    if (termAtStart < 0) {
      termAtStart = maxTerm;
    }
    long elections = maxTerm - termAtStart;
    if (elections > stormElections) {
      judged = true;
      throw Violation.livelock("Liveness", "election storm: " + elections + " elections within "
          + Durations.formatNanos(nowNanos - startNanos) + " of the heal at " + Durations.formatNanos(startNanos)
          + (firstCommitNanos < 0 ? ", and no proposal committed" : ""));
    }
    if (nowNanos >= deadlineNanos()) {
      judged = true;
      if (expectCommits && firstCommitNanos < 0) {
        throw Violation.livelock("Liveness", "no proposal submitted after the heal at "
            + Durations.formatNanos(startNanos) + " committed within " + Durations.formatNanos(boundNanos)
            + " (" + elections + " elections)");
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

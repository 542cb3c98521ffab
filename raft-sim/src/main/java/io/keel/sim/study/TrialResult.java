package io.keel.sim.study;

/**
 * What one trial of the study measured.
 *
 * @param seed the trial's seed, which replays it exactly
 * @param outcome how the trial ended
 * @param timeToLeaderNanos simulated time from the leader's crash to the election of a new leader
 *     (for {@link Outcome#TIMED_OUT}, the cap; otherwise -1 if no leader was crashed)
 * @param messages messages sent by all nodes in that time, of every kind
 * @param elections how many terms went by until a leader was elected (1: the first election won)
 * @param events simulation events the whole trial took
 */
public record TrialResult(long seed, Outcome outcome, long timeToLeaderNanos, long messages, long elections,
    long events) {

  /** How a trial ended. */
  public enum Outcome {
    /** A new leader was elected after the crash. */
    ELECTED,
    /** No new leader was elected within the cap after the crash. */
    TIMED_OUT,
    /** No stable leader was elected within the first-leader limit, so no leader could be crashed. */
    NO_LEADER_TO_CRASH
  }

  /** Whether the trial measured a time: elected, or censored at the cap. */
  public boolean measured() {
    return outcome != Outcome.NO_LEADER_TO_CRASH;
  }
}

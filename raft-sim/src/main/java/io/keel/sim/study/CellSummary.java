package io.keel.sim.study;

import java.util.List;

/**
 * The figures of one cell of the study, over its trials. Times of trials that elected no leader
 * within the cap count as the cap (a lower bound), so a percentile that reaches them is a lower bound
 * too; trials with no leader to crash are left out of the times.
 *
 * @param cell the range and protocol configuration
 * @param trials the trials run
 * @param timedOut trials that elected no new leader within the cap
 * @param noLeaderToCrash trials in which no stable leader was elected, so none was crashed
 * @param medianMillis median time to a new leader, in ms
 * @param p99Millis 99th percentile of the time to a new leader, in ms
 * @param maxMillis longest time to a new leader, in ms
 * @param meanMillis mean time to a new leader, in ms
 * @param meanMessages mean messages sent per election (from the crash to the new leader)
 * @param meanElections mean terms used per election (1: the first candidate won)
 * @param events simulation events of every trial together
 */
public record CellSummary(StudyCell cell, int trials, int timedOut, int noLeaderToCrash, double medianMillis,
    double p99Millis, double maxMillis, double meanMillis, double meanMessages, double meanElections, long events) {

  /** Summarizes {@code results}, the trials of {@code cell}. */
  public static CellSummary of(StudyCell cell, List<TrialResult> results) {
    long[] times = results.stream().filter(TrialResult::measured).mapToLong(TrialResult::timeToLeaderNanos).toArray();
    int timedOut = (int) results.stream().filter(r -> r.outcome() == TrialResult.Outcome.TIMED_OUT).count();
    int noLeader = results.size() - times.length;
    double median = Double.NaN;
    double p99 = Double.NaN;
    double max = Double.NaN;
    if (times.length > 0) {
      Percentiles percentiles = new Percentiles(times);
      median = percentiles.median() / 1e6;
      p99 = percentiles.at(99) / 1e6;
      max = percentiles.max() / 1e6;
    }
    return new CellSummary(cell, results.size(), timedOut, noLeader, median, p99, max,
        results.stream().filter(TrialResult::measured).mapToLong(TrialResult::timeToLeaderNanos).average()
            .orElse(Double.NaN) / 1e6,
        results.stream().filter(TrialResult::measured).mapToLong(TrialResult::messages).average().orElse(Double.NaN),
        results.stream().filter(TrialResult::measured).mapToLong(TrialResult::elections).average().orElse(Double.NaN),
        results.stream().mapToLong(TrialResult::events).sum());
  }
}

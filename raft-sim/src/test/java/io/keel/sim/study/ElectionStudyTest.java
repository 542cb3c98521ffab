package io.keel.sim.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The election-timing study of the paper's Figure 16: what each trial measures, and its figures. */
class ElectionStudyTest {

  private static final Duration CAP = Duration.ofSeconds(60);

  /**
   * Paper §9.3: after the leader crashes, a new leader of a higher term is elected. No follower can
   * time out sooner than the minimum election timeout after the last heartbeat it heard, which left
   * the leader at most one heartbeat interval before the crash, and an election takes at least one
   * request and one answer; a winner needs its requests to the four others and two votes back
   * (PreVote adds a round of as many messages).
   */
  @ParameterizedTest
  @CsvSource({"150-300,false", "150-300,true", "12-24,false", "12-24,true"})
  void afterTheLeaderCrashesANewLeaderIsElectedNoSoonerThanTheTimeoutsAllow(String text, boolean preVote) {
    TimeoutRange range = TimeoutRange.parse(text);
    long earliestNanos = range.min().minus(range.heartbeatInterval())
        .plus(ElectionTrial.NETWORK.delayMin().multipliedBy(preVote ? 4 : 2)).toNanos();
    for (long seed = 1; seed <= 20; seed++) {
      TrialResult trial = ElectionTrial.run(new StudyCell(range, preVote, false), CAP, seed);
      assertEquals(TrialResult.Outcome.ELECTED, trial.outcome(), trial.toString());
      assertTrue(trial.timeToLeaderNanos() >= earliestNanos, trial.toString());
      assertTrue(trial.messages() >= (preVote ? 12 : 6), trial.toString());
      assertTrue(trial.elections() >= 1, trial.toString());
    }
  }

  /** With no randomness at all (150-150 ms, which raft-core accepts), ties still break in the end. */
  @Test
  void timeoutsWithoutRandomnessStillElectALeader() {
    StudyCell cell = new StudyCell(TimeoutRange.parse("150-150"), false, false);
    for (long seed = 1; seed <= 5; seed++) {
      TrialResult trial = ElectionTrial.run(cell, CAP, seed);
      assertEquals(TrialResult.Outcome.ELECTED, trial.outcome(), trial.toString());
      assertTrue(trial.timeToLeaderNanos() >= Duration.ofMillis(75).toNanos(), trial.toString());
    }
  }

  /** At 150-150 ms no node can become leader within 75 ms (half the timeout) of the crash. */
  @Test
  void aTrialThatOutlastsItsCapCountsAsTimedOutAtTheCap() {
    Duration cap = Duration.ofMillis(75);
    for (long seed = 1; seed <= 3; seed++) {
      TrialResult trial = ElectionTrial.run(new StudyCell(TimeoutRange.parse("150-150"), false, false), cap, seed);
      assertEquals(TrialResult.Outcome.TIMED_OUT, trial.outcome(), trial.toString());
      assertEquals(cap.toNanos(), trial.timeToLeaderNanos());
    }
  }

  @Test
  void theSameSeedsGiveTheSameResultsWhateverTheNumberOfThreads() throws InterruptedException {
    List<StudyCell> cells = List.of(new StudyCell(TimeoutRange.parse("150-155"), false, false),
        new StudyCell(TimeoutRange.parse("12-24"), true, false));
    int[] trials = {8, 8};
    List<ElectionStudy.CellResults> one = new ElectionStudy(cells, trials, 40, CAP).run(1, done -> { });
    List<ElectionStudy.CellResults> two = new ElectionStudy(cells, trials, 40, CAP).run(2, done -> { });
    assertEquals(one, two);
    assertEquals(40, one.get(1).trials().get(0).seed());
    assertEquals(47, one.get(1).trials().get(7).seed());
  }

  @Test
  void percentilesFollowTheNearestRankMethod() {
    long[] hundred = new long[100];
    for (int i = 0; i < hundred.length; i++) {
      hundred[i] = 100 - i;
    }
    Percentiles percentiles = new Percentiles(hundred);
    assertEquals(50, percentiles.median());
    assertEquals(99, percentiles.at(99));
    assertEquals(100, percentiles.max());
    assertEquals(1, percentiles.at(0.5));
    Percentiles three = new Percentiles(new long[] {30, 10, 20});
    assertEquals(20, three.median());
    assertEquals(30, three.at(99));
    assertEquals(10, three.at(33.3));
    assertEquals(20, three.at(33.4));
    assertThrows(IllegalArgumentException.class, () -> three.at(0));
    assertThrows(IllegalArgumentException.class, () -> three.at(100.5));
    assertThrows(IllegalArgumentException.class, () -> new Percentiles(new long[0]));
  }

  @Test
  void aSummaryCountsTimedOutTrialsAtTheCapAndLeavesOutTrialsWithNoLeaderToCrash() {
    StudyCell cell = new StudyCell(TimeoutRange.parse("150-300"), false, false);
    List<TrialResult> trials = List.of(
        new TrialResult(1, TrialResult.Outcome.ELECTED, 200_000_000, 10, 1, 100),
        new TrialResult(2, TrialResult.Outcome.ELECTED, 100_000_000, 6, 1, 100),
        new TrialResult(3, TrialResult.Outcome.TIMED_OUT, 900_000_000, 50, 9, 100),
        new TrialResult(4, TrialResult.Outcome.NO_LEADER_TO_CRASH, -1, 0, 0, 100));
    CellSummary summary = CellSummary.of(cell, trials);
    assertEquals(4, summary.trials());
    assertEquals(1, summary.timedOut());
    assertEquals(1, summary.noLeaderToCrash());
    assertEquals(200.0, summary.medianMillis());
    assertEquals(900.0, summary.maxMillis());
    assertEquals(22.0, summary.meanMessages());
    assertEquals(400, summary.events());
  }

  @Test
  void rangesAreReadAsMinDashMaxAndBadOnesAreRefusedByName() {
    assertEquals(new TimeoutRange(150, 300), TimeoutRange.parse(" 150-300 "));
    assertEquals(Duration.ofMillis(6), TimeoutRange.parse("12-24").heartbeatInterval());
    assertEquals(10, TimeoutRange.PAPER.size());
    for (String bad : List.of("150", "150-", "-300", "a-b", "150-300-400", "")) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TimeoutRange.parse(bad));
      assertTrue(error.getMessage().contains("'" + bad + "'"), error.getMessage());
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TimeoutRange.parse("300-150")).getMessage()
        .contains("must be at least the minimum"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TimeoutRange.parse("1-5")).getMessage()
        .contains("at least 2 ms"));
  }
}

package io.keel.sim.study;

/**
 * One cell of the study: an election timeout range under one protocol configuration, which the
 * study runs many trials of.
 *
 * @param range the election timeout range (the heartbeat interval is half its minimum)
 * @param preVote whether nodes run a PreVote round before each election
 * @param checkQuorum whether CheckQuorum is on
 */
public record StudyCell(TimeoutRange range, boolean preVote, boolean checkQuorum) {

  /** Validates the range. */
  public StudyCell {
    java.util.Objects.requireNonNull(range, "range");
  }

  /** A short label, such as {@code 150-300 pre-vote off}. */
  public String label() {
    return range + " pre-vote " + (preVote ? "on" : "off") + (checkQuorum ? " check-quorum on" : "");
  }
}

package io.keel.raft.protocol;

/** The part a node plays in its current term. */
public enum Role {
  /** Follows a leader, or waits for one. */
  FOLLOWER,
  /** Asks, without changing terms, whether it could win an election (PreVote). */
  PRE_CANDIDATE,
  /** Campaigns for leadership in its term. */
  CANDIDATE,
  /** Leads its term: accepts proposals and replicates the log. */
  LEADER,
  /** Stopped, after a storage failure or by its driver; takes no part until restarted. */
  FAILED
}

package io.keel.raft.protocol;

import io.keel.raft.HardState;
import io.keel.raft.RaftConfig;

/**
 * When and how a node campaigns (Figure 2, "Followers" and "Candidates"; thesis §9.6 and §3.10):
 * its election timer fired, its PreVote round won, its leader handed leadership over, or its round
 * failed; and why a leader stepped down. A node that is no voter of its configuration (a learner,
 * a removed or joining node) never campaigns.
 */
final class Elections {

  private final RaftNode<?> node;
  private final RaftConfig config;
  private final ElectionTimeouts timeouts;
  /** Why the node last stopped leading in its own term. */
  private String stepDownReason;

  Elections(RaftNode<?> node, RaftConfig config, ElectionTimeouts timeouts) {
    this.node = node;
    this.config = config;
    this.timeouts = timeouts;
  }

  /** A fresh election deadline: now plus a timeout drawn from the node's seeded source. */
  long randomDeadline() {
    return timeouts.deadlineFrom(node.nowNanos());
  }

  /** The minimum election timeout: the lease of PreVote, the vote lease and CheckQuorum. */
  long timeoutMinNanos() {
    return timeouts.minNanos();
  }

  /** The election timer fired: campaign, through a PreVote round if configured; a non-voter waits again. */
  void onTimeout() {
    if (!node.configuration().isVoter(node.id())) {
      node.waitAsFollower();
      return;
    }
    if (!config.preVote()) {
      node.persist(new HardState(node.currentTerm() + 1, node.id()));
    }
    node.enterCandidate(config.preVote(), false);
  }

  /** The PreVote round won: increment the term, vote for self, reset the timer, request votes. */
  void onPreVoteWon() {
    node.persist(new HardState(node.currentTerm() + 1, node.id()));
    node.enterCandidate(false, false);
  }

  /** The leader handed leadership over ({@code TimeoutNow}): campaign at once, without a PreVote round. */
  void onTimeoutNow() {
    if (node.configuration().isVoter(node.id())) {
      node.persist(new HardState(node.currentTerm() + 1, node.id()));
      node.enterCandidate(false, true);
    }
  }

  /**
   * The (pre-)vote round failed: the node waits, as a follower of its term, a fresh election
   * timeout counted from now. The moment a round fails depends on when the refusals arrived, so
   * candidates whose timeouts were drawn alike drift apart instead of splitting every vote again.
   */
  void onLost() {
    node.waitAsFollower();
  }

  /** The leader stops leading in its own term, for {@code reason} (CheckQuorum, a configuration without it). */
  void stepDown(String reason) {
    stepDownReason = reason;
    node.becomeFollower(node.currentTerm(), null);
  }

  String stepDownReason() {
    return stepDownReason;
  }
}

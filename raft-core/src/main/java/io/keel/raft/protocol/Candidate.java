package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.HardState;
import io.keel.raft.NodeId;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import java.util.HashSet;
import java.util.Set;

/**
 * A node campaigning: in a PreVote round (thesis §9.6) it asks, without changing any term, whether
 * a majority would vote for it; in a real election it has incremented its term, voted for itself
 * and asks for votes (Figure 2, "Candidates").
 *
 * <p>It asks the voters of the configuration in force and counts their answers by it: a majority
 * of each half of a joint configuration (thesis §4.3). A candidate counts its own vote only once
 * that vote is durable: a node that crashed and forgot it could otherwise vote for someone else in
 * the same term. A candidate that a leader handed leadership to ({@link io.keel.raft.message.TimeoutNow})
 * says so in its requests, so that voters still hearing from that leader vote (thesis §3.10).
 */
final class Candidate extends RoleState {

  private final RaftNode<?> node;
  private final boolean preVote;
  private final boolean leadershipTransfer;
  private final long electionDeadlineNanos;
  private final Set<NodeId> granted = new HashSet<>();
  private final Set<NodeId> refused = new HashSet<>();

  Candidate(RaftNode<?> node, boolean preVote, boolean leadershipTransfer, long electionDeadlineNanos) {
    this.node = node;
    this.preVote = preVote;
    this.leadershipTransfer = leadershipTransfer;
    this.electionDeadlineNanos = electionDeadlineNanos;
  }

  @Override
  Role role() {
    return preVote ? Role.PRE_CANDIDATE : Role.CANDIDATE;
  }

  @Override
  long deadlineNanos() {
    return electionDeadlineNanos;
  }

  /** Figure 2, Candidates: if the election timeout elapses, start a new election. */
  @Override
  void onDeadline() {
    node.elections().onTimeout();
  }

  /** Asks every other voter for its (pre-)vote, then counts, which settles a single-node cluster. */
  void start() {
    long lastIndex = node.lastLogIndex();
    long lastTerm = node.lastLogTerm();
    Configuration configuration = node.configuration();
    for (NodeId voter : configuration.members()) {
      if (voter.equals(node.id()) || !configuration.isVoter(voter)) {
        continue;
      }
      if (preVote) {
        node.send(voter, new PreVote(node.currentTerm() + 1, node.id(), lastIndex, lastTerm));
      } else {
        node.send(voter, new RequestVote(node.currentTerm(), node.id(), lastIndex, lastTerm, leadershipTransfer));
      }
    }
    tally();
  }

  void handle(PreVoteResponse response) {
    if (!preVote) {
      return;
    }
    boolean current = response.granted()
        ? response.term() == node.currentTerm() + 1
        : response.term() == node.currentTerm();
    if (current) {
      count(response.from(), response.granted());
    }
  }

  void handle(RequestVoteResponse response) {
    if (preVote) {
      return;
    }
    count(response.from(), response.granted());
  }

  /** Counts a peer's first answer; a duplicate or changed answer from the same peer is ignored. */
  private void count(NodeId peer, boolean grantedVote) {
    if (granted.contains(peer) || refused.contains(peer)) {
      return;
    }
    (grantedVote ? granted : refused).add(peer);
    tally();
  }

  @Override
  void onHardStateDurable() {
    if (!preVote) {
      tally();
    }
  }

  private void tally() {
    boolean ownVote = ownVoteCounts();
    NodeId self = node.id();
    switch (Quorum.voteResult(node.configuration(), voter -> granted.contains(voter) || (ownVote && voter.equals(self)),
        refused::contains)) {
      case WON -> {
        if (preVote) {
          node.elections().onPreVoteWon();
        } else {
          node.becomeLeader();
        }
      }
      case LOST -> node.elections().onLost();
      case PENDING -> { }
    }
  }

  private boolean ownVoteCounts() {
    return preVote || node.durableHardState().covers(new HardState(node.currentTerm(), node.id()));
  }

  @Override
  void checkInvariants() {
    if (granted.contains(node.id()) || refused.contains(node.id())) {
      throw new IllegalStateException(node.id() + ": counted a response from itself");
    }
    Set<NodeId> both = new HashSet<>(granted);
    both.retainAll(refused);
    if (!both.isEmpty()) {
      throw new IllegalStateException(node.id() + ": " + both + " both granted and refused");
    }
  }
}

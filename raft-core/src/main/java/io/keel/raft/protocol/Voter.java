package io.keel.raft.protocol;

import io.keel.raft.HardState;
import io.keel.raft.NodeId;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;

/**
 * This node as a voter, in any role: answers RequestVote (Figure 2, "RequestVote RPC", receiver)
 * and PreVote (thesis §9.6), and knows whether it still hears from a leader, which is what keeps a
 * node returning from a partition from deposing a healthy one (thesis §4.2.3).
 */
final class Voter {

  private final RaftNode<?> node;
  private final RaftLog log;

  Voter(RaftNode<?> node, RaftLog log) {
    this.node = node;
    this.log = log;
  }

  /** Grants at most one vote per term, to an up-to-date log, and never while it knows a leader. */
  void handle(RequestVote request) {
    NodeId votedFor = node.votedFor().orElse(null);
    boolean mayVote = request.from().equals(votedFor) || (votedFor == null && node.leaderId() == null);
    boolean grant = mayVote && log.isUpToDate(request.lastLogIndex(), request.lastLogTerm());
    if (grant) {
      node.persist(new HardState(node.currentTerm(), request.from()));
      if (node.roleState() instanceof Follower follower) {
        follower.resetElectionTimer(); // Figure 2, Followers: a vote granted resets the timer
      }
    }
    node.send(request.from(), new RequestVoteResponse(node.currentTerm(), node.id(), grant));
  }

  /**
   * Grants a pre-vote for a term beyond this node's to an up-to-date log, unless it hears from a
   * leader. A pre-vote changes no term and no vote.
   */
  void handle(PreVote request) {
    boolean grant = request.term() > node.currentTerm()
        && !hearsFromLeader()
        && log.isUpToDate(request.lastLogIndex(), request.lastLogTerm());
    node.send(request.from(), new PreVoteResponse(grant ? request.term() : node.currentTerm(), node.id(), grant));
  }

  /** Whether this node is the leader or heard from one within the minimum election timeout. */
  boolean hearsFromLeader() {
    if (node.role() == Role.LEADER) {
      return true;
    }
    return node.leaderId() != null
        && node.nowNanos() - node.lastLeaderContactNanos() < node.elections().timeoutMinNanos();
  }
}

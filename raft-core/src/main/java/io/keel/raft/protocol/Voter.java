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
  /**
   * Whether leaders may serve reads by lease: then the vote lease holds for the minimum election
   * timeout after this node last heard a leader (or started), even if it has since adopted a higher
   * term from some other message (a late answer to an append it sent as leader long ago) and knows
   * no leader in it, so that no leader can be elected while the one it answered holds its lease.
   */
  private final boolean leaseReads;

  Voter(RaftNode<?> node, RaftLog log, boolean leaseReads) {
    this.node = node;
    this.log = log;
    this.leaseReads = leaseReads;
  }

  /**
   * Grants at most one vote per term, to an up-to-date log, never while it knows a leader, and with
   * lease reads never within the vote lease unless the leader handed its leadership over.
   */
  void handle(RequestVote request) {
    NodeId votedFor = node.votedFor().orElse(null);
    boolean mayVote = request.from().equals(votedFor)
        || (votedFor == null && node.leaderId() == null && (request.leadershipTransfer() || !hearsFromLeader()));
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

  /**
   * Whether this node is the leader or heard from one within the minimum election timeout (with
   * lease reads, whether or not it still knows that leader, and counting its start as hearing one).
   */
  boolean hearsFromLeader() {
    if (node.role() == Role.LEADER) {
      return true;
    }
    return (leaseReads || node.leaderId() != null)
        && node.nowNanos() - node.lastLeaderContactNanos() < node.elections().timeoutMinNanos();
  }
}

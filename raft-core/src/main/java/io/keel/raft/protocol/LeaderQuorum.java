package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import java.util.Map;
import java.util.Set;

/**
 * The leader's counting of its voters, for the configuration in force: the highest index a quorum
 * holds, and whether a quorum was heard from lately. It holds each half's followers in arrays,
 * rebuilt when the configuration changes, so that counting on every acknowledgement allocates
 * nothing; it gives the same answers as {@link Quorum#committedIndex} and {@link Quorum#isQuorum}
 * (checked by {@code LeaderQuorumProperties}).
 */
final class LeaderQuorum {

  private Configuration configuration;
  private Half incoming;
  private Half outgoing;

  /** One half of the configuration: its voters other than the leader, and whether the leader is one. */
  private static final class Half {
    final Progress[] followers;
    final boolean includesLeader;
    final long[] scratch;

    Half(Set<NodeId> voters, NodeId leader, Map<NodeId, Progress> progress) {
      this.includesLeader = voters.contains(leader);
      this.followers = voters.stream().filter(voter -> !voter.equals(leader)).map(progress::get)
          .toArray(Progress[]::new);
      this.scratch = new long[voters.size()];
    }

    long majorityIndex(long leaderDurableIndex) {
      int i = 0;
      if (includesLeader) {
        scratch[i++] = leaderDurableIndex;
      }
      for (Progress follower : followers) {
        scratch[i++] = follower.matchIndex();
      }
      return Quorum.majorityIndexSorting(scratch);
    }

    boolean heardFromMajority(long nowNanos, long leaseNanos) {
      int heard = includesLeader ? 1 : 0;
      for (Progress follower : followers) {
        if (nowNanos - follower.lastHeardNanos() < leaseNanos) {
          heard++;
        }
      }
      return heard >= Quorum.majority(scratch.length);
    }
  }

  /** Counts by {@code configuration}, whose voters other than {@code leader} all have a progress. */
  void use(Configuration configuration, NodeId leader, Map<NodeId, Progress> progress) {
    this.configuration = configuration;
    this.incoming = new Half(configuration.voters(), leader, progress);
    this.outgoing = configuration.isJoint() ? new Half(configuration.outgoingVoters(), leader, progress) : null;
  }

  Configuration configuration() {
    return configuration;
  }

  /** The highest index a quorum holds, the leader holding what its store made durable. */
  long committedIndex(long leaderDurableIndex) {
    long index = incoming.majorityIndex(leaderDurableIndex);
    return outgoing == null ? index : Math.min(index, outgoing.majorityIndex(leaderDurableIndex));
  }

  /** CheckQuorum: whether a quorum, the leader included where it votes, was heard from within the lease. */
  boolean heardFromQuorum(long nowNanos, long leaseNanos) {
    return incoming.heardFromMajority(nowNanos, leaseNanos)
        && (outgoing == null || outgoing.heardFromMajority(nowNanos, leaseNanos));
  }
}

package io.keel.raft.protocol;

import io.keel.raft.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether the nodes a change makes voters have caught up with the leader (Raft thesis §4.2.1):
 * replication to each proceeds in rounds, each ending when the node holds what the leader's log
 * held when the round began. A node has caught up once a round ends within the minimum election
 * timeout, with the node acknowledging appends and at most the allowed lag behind: adding it then
 * leaves the cluster no longer without a quorum than an election would.
 */
final class CatchUpRounds {

  /** The current round of one node: the index it must reach, and when the round began. */
  private static final class Round {
    long endIndex;
    long startNanos;

    Round(long endIndex, long startNanos) {
      this.endIndex = endIndex;
      this.startNanos = startNanos;
    }
  }

  private final Map<NodeId, Round> rounds = new HashMap<>();
  private final Set<NodeId> caughtUp = new TreeSet<>();

  /** Rounds for {@code nodes}, the first ending at {@code lastIndex}, beginning at {@code nowNanos}. */
  CatchUpRounds(Set<NodeId> nodes, long lastIndex, long nowNanos) {
    for (NodeId node : nodes) {
      rounds.put(node, new Round(lastIndex, nowNanos));
    }
  }

  /**
   * Follows every node's rounds at {@code nowNanos}, the leader's log ending at {@code lastIndex};
   * returns the nodes that have not caught up yet.
   *
   * @param roundLimitNanos how long a round may last for its node to count as caught up
   * @param maxLag how many entries behind the leader's log a caught-up node may be
   */
  Set<NodeId> lagging(Leader leader, long lastIndex, long nowNanos, long roundLimitNanos, long maxLag) {
    Set<NodeId> lagging = new TreeSet<>();
    rounds.forEach((node, round) -> {
      if (caughtUp.contains(node)) {
        return;
      }
      if (leader.matchIndexOf(node) >= round.endIndex) {
        if (nowNanos - round.startNanos <= roundLimitNanos && leader.isCaughtUp(node, maxLag)) {
          caughtUp.add(node);
          return;
        }
        round.endIndex = lastIndex;
        round.startNanos = nowNanos;
      }
      lagging.add(node);
    });
    return lagging;
  }
}

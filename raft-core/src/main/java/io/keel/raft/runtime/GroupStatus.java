package io.keel.raft.runtime;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.protocol.Role;
import java.util.Map;
import java.util.Optional;

/**
 * What one group's node looked like at the end of its latest burst of events: a consistent
 * snapshot, cheap to read from any thread.
 *
 * @param group the group
 * @param node this node
 * @param role the node's role
 * @param term its current term
 * @param leader the leader it knows of in that term, if any
 * @param commitIndex the highest index it knows committed
 * @param appliedIndex the highest index the state machine has applied (it trails the commit index
 *     while commands wait on the apply thread)
 * @param lastLogIndex the index of its last log entry
 * @param durableIndex the highest index its store reported durable
 * @param matchIndexes on a leader, each follower's durable match index; empty otherwise
 * @param impossibleMessages how many messages the node has refused because no correct peer could
 *     have sent them (see {@link io.keel.raft.protocol.ImpossibleMessage}); above zero only when a
 *     peer is broken, corrupted or lying
 * @param failure why the node stopped, if its role is {@link Role#FAILED}
 * @param snapshots the node's snapshots: the newest, and how many were taken, sent and installed
 */
public record GroupStatus(
    GroupId group,
    NodeId node,
    Role role,
    long term,
    Optional<NodeId> leader,
    long commitIndex,
    long appliedIndex,
    long lastLogIndex,
    long durableIndex,
    Map<NodeId, Long> matchIndexes,
    long impossibleMessages,
    Optional<String> failure,
    SnapshotStatus snapshots) {

  /** Copies the map. */
  public GroupStatus {
    matchIndexes = Map.copyOf(matchIndexes);
  }

  /** Whether this node leads its group. */
  public boolean isLeader() {
    return role == Role.LEADER;
  }

  /**
   * How many entries follower {@code peer} is behind this leader's log, or -1 if this node is not
   * the leader or {@code peer} is not a follower.
   */
  public long lag(NodeId peer) {
    Long match = matchIndexes.get(peer);
    return match == null ? -1 : lastLogIndex - match;
  }

  /** Whether role, term, leader or failure differ from {@code previous} (null: the first status), as listeners hear. */
  boolean differsForListeners(GroupStatus previous) {
    return previous == null
        || previous.role() != role
        || previous.term() != term
        || !previous.leader().equals(leader)
        || !previous.failure().equals(failure);
  }
}

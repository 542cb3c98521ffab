package io.keel.raft.runtime;

import io.keel.raft.Configuration;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.protocol.Role;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
 * @param configuration the configuration in force on this node: the newest in its log
 * @param reads what its linearizable reads cost: rounds of leadership checks and reads by lease
 * @param reachability what the network knows of its way to each other member: filled in by
 *     {@link RaftGroup#status()}, empty in the statuses a {@link GroupListener} hears. A voter that
 *     is {@link PeerNetwork.Reachability#NO_ADDRESS} or stays
 *     {@link PeerNetwork.Reachability#DISCONNECTED} cannot take part; the runtime also logs it
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
    SnapshotStatus snapshots,
    Configuration configuration,
    ReadStatus reads,
    Map<NodeId, PeerNetwork.Reachability> reachability) {

  /** Copies the maps. */
  public GroupStatus {
    matchIndexes = Map.copyOf(matchIndexes);
    reachability = Map.copyOf(reachability);
  }

  /**
   * This status with {@code appliedIndex} (what is applied was committed, so the commit index is at
   * least that) and {@code reachability}.
   */
  GroupStatus with(long newAppliedIndex, Map<NodeId, PeerNetwork.Reachability> newReachability) {
    return new GroupStatus(group, node, role, term, leader, Math.max(commitIndex, newAppliedIndex), newAppliedIndex,
        lastLogIndex, durableIndex, matchIndexes, impossibleMessages, failure, snapshots, configuration, reads,
        newReachability);
  }

  /** The voters of the configuration in force that the network cannot reach now (by {@link #reachability()}). */
  public Set<NodeId> unreachableVoters() {
    Set<NodeId> unreachable = new TreeSet<>();
    reachability.forEach((peer, state) -> {
      if (configuration.isVoter(peer) && (state == PeerNetwork.Reachability.NO_ADDRESS
          || state == PeerNetwork.Reachability.DISCONNECTED)) {
        unreachable.add(peer);
      }
    });
    return unreachable;
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

package io.keel.kv.server;

import io.keel.raft.NodeId;
import io.keel.raft.runtime.GroupStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads the groups' leaders over the nodes, so that one cluster of many groups puts every node's
 * CPU and disk to work rather than one leader's. Each node runs it now and then: when this node
 * leads at least two groups more than the voter that leads fewest, it hands one group to that voter
 * (Raft's leadership transfer). Every node sees every group's leader, since every node holds every
 * group, so nodes agree on the counts except for a moment after a change.
 */
final class LeaderBalancer {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderBalancer.class);

  private final NodeId self;
  private final List<ShardReplica> replicas;
  private boolean transferring;

  LeaderBalancer(NodeId self, List<ShardReplica> replicas) {
    this.self = self;
    this.replicas = replicas;
  }

  /** Hands one group's leadership to the least loaded voter if this node leads too many; returns the transfer, if any. */
  synchronized Optional<Transfer> step() {
    if (transferring || replicas.size() < 2) {
      return Optional.empty();
    }
    Map<NodeId, Integer> led = new HashMap<>();
    ShardReplica mine = null;
    for (ShardReplica replica : replicas) {
      GroupStatus status = replica.group().status();
      if (status == null) {
        return Optional.empty();
      }
      status.configuration().voters().forEach(voter -> led.putIfAbsent(voter, 0));
      Optional<NodeId> leader = replica.leader();
      if (leader.isEmpty()) {
        return Optional.empty(); // an election is under way: let it settle first
      }
      led.merge(leader.get(), 1, Integer::sum);
      if (leader.get().equals(self) && (mine == null || status.configuration().voters().size() > 1)) {
        mine = replica;
      }
    }
    if (mine == null) {
      return Optional.empty();
    }
    NodeId target = null;
    for (NodeId voter : mine.group().status().configuration().voters()) {
      if (!voter.equals(self) && !mine.group().status().unreachableVoters().contains(voter)
          && (target == null || led.getOrDefault(voter, 0) < led.getOrDefault(target, 0))) {
        target = voter;
      }
    }
    if (target == null || led.getOrDefault(self, 0) - led.getOrDefault(target, 0) < 2) {
      return Optional.empty();
    }
    Transfer transfer = new Transfer(mine.index(), target);
    transferring = true;
    LOG.info("{} leads {} groups and {} leads {}: handing group kv-{} to {}", self, led.get(self), target,
        led.getOrDefault(target, 0), transfer.group(), target);
    mine.group().transferLeadership(target).whenComplete((leader, failure) -> {
      synchronized (this) {
        transferring = false;
      }
      if (failure != null) {
        LOG.info("handing group kv-{} to {} failed: {}", transfer.group(), transfer.target(), failure.getMessage());
      }
    });
    return Optional.of(transfer);
  }

  /** A leadership transfer the balancer began. */
  record Transfer(int group, NodeId target) {}
}

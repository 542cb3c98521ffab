package io.keel.sim.check;

import io.keel.raft.Configuration;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.sim.Durations;
import io.keel.sim.SimulatedNode;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Leadership stays put once the network has healed: from the moment a leader whose term is at least
 * every node's term has committed an entry it appended after the heal and every other node has
 * heard from it since the heal (leadership has settled: every timer has been reset by it), no node may reach a higher term and that leader may not step down, for as long as the
 * run lasts. With no faults left, nothing but a bug (a timer not reset, a heartbeat not sent, a
 * vote that ignores the leader) can start an election.
 */
public final class Disruption {

  private final long healNanos;
  private int settledLeader;
  private long settledTerm = -1;
  private long settledNanos = -1;
  /** Each node's last log index at the heal; -1 until the heal. */
  private long[] lastIndexAtHeal;
  /** Per node: the term of the last AppendEntries it received after the heal, or 0. */
  private long[] heardTermSinceHeal = new long[0];

  /** Node {@code node} received {@code message} at {@code nowNanos}. */
  void onDelivered(int node, Message message, long nowNanos) {
    if (healNanos < 0 || nowNanos < healNanos || !(message instanceof AppendEntries)) {
      return;
    }
    if (heardTermSinceHeal.length <= node) {
      heardTermSinceHeal = Arrays.copyOf(heardTermSinceHeal, node + 1);
    }
    heardTermSinceHeal[node] = message.term();
  }

  /** Judged from the heal at {@code healNanos} (negative: not judged). */
  public Disruption(long healNanos) {
    this.healNanos = healNanos;
  }

  /** When leadership settled after the heal, or -1. */
  public long settledNanos() {
    return settledNanos;
  }

  /**
   * After any event at simulated time {@code nowNanos}; {@code configuration} is the committed
   * log's (null: every node is a member). Only its members that are also members of the leader's
   * configuration in force are judged: a node outside either hears from no leader, and one removed
   * (even by a configuration not yet committed, which it may never receive) may campaign in vain.
   */
  void afterEvent(List<? extends SimulatedNode<?>> allNodes, Configuration configuration, long nowNanos) {
    if (healNanos < 0 || nowNanos < healNanos) {
      return;
    }
    List<? extends SimulatedNode<?>> nodes = configuration == null ? allNodes
        : allNodes.stream().filter(node -> configuration.isMember(node.id())).toList();
    if (lastIndexAtHeal == null) {
      lastIndexAtHeal = new long[allNodes.size() + 1];
      for (SimulatedNode<?> node : allNodes) {
        lastIndexAtHeal[node.number()] = node.disk().lastIndex();
      }
    }
    if (settledTerm < 0) {
      settle(nodes, nowNanos);
      return;
    }
    SimulatedNode<?> leader = allNodes.get(settledLeader - 1);
    RaftNode<?> raft = leader.raft();
    if (configuration != null && !configuration.isVoter(leader.id())) {
      settledTerm = -1; // a change removed the leader, which steps down: leadership settles anew
      return;
    }
    if (leader.isCrashed() || raft.role() != Role.LEADER || raft.currentTerm() != settledTerm) {
      throw Violation.livelock("Disruption", leader.id() + " stopped leading term " + settledTerm + " at "
          + Durations.formatNanos(nowNanos) + " in the healed network, " + Durations.formatNanos(nowNanos - settledNanos)
          + " after leadership settled (now " + raft + ")");
    }
    for (SimulatedNode<?> node : nodes) {
      if (!node.isCrashed() && node.raft().currentTerm() > settledTerm && raft.configuration().isMember(node.id())) {
        throw Violation.livelock("Disruption", node.id() + " reached term " + node.raft().currentTerm() + " at "
            + Durations.formatNanos(nowNanos) + " while " + leader.id() + " led term " + settledTerm
            + " in the healed network (settled at " + Durations.formatNanos(settledNanos) + ")");
      }
    }
  }

  private void settle(List<? extends SimulatedNode<?>> nodes, long nowNanos) {
    long highest = 0;
    SimulatedNode<?> leader = null;
    for (SimulatedNode<?> node : nodes) {
      if (node.isCrashed()) {
        return; // a node still down may hold any term; wait until every node is up
      }
      highest = Math.max(highest, node.raft().currentTerm());
      if (node.raft().role() == Role.LEADER) {
        leader = node;
      }
    }
    if (leader == null || leader.raft().currentTerm() != highest) {
      return;
    }
    for (SimulatedNode<?> node : nodes) {
      if (node != leader && (heardTermSinceHeal.length <= node.number() || heardTermSinceHeal[node.number()] != highest
          || !node.raft().leader().equals(Optional.of(leader.id())))) {
        return; // a node that has not heard from the leader since the heal may still time out, legitimately
      }
    }
    RaftNode<?> raft = leader.raft();
    if (raft.commitIndex() > lastIndexAtHeal[leader.number()]) {
      settledLeader = leader.number();
      settledTerm = highest;
      settledNanos = nowNanos;
    }
  }
}

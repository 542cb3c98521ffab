package io.keel.sim.check;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.Quorum;
import io.keel.raft.protocol.Role;
import io.keel.sim.Durations;
import io.keel.sim.SimulatedNode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * CheckQuorum (thesis §6.2): with it on, a leader that has not heard from a quorum of its
 * configuration in force (itself included where it votes) for longer than the minimum election
 * timeout steps down at its next heartbeat. The checker keeps, in simulated time, when each leader
 * last received an answer of its term from each member, and fails a leader still in office once no
 * quorum has answered within the timeout plus a heartbeat interval, stretched by the largest clock
 * drift and timer lateness. A member new to the leader's configuration counts as heard when it joins,
 * and a leader whose configuration changed has that long again to find a quorum of the new one.
 */
public final class CheckQuorumChecker {

  private final int nodes;
  private final long boundNanos;
  /** Per leader: the term it leads, or -1; per (leader, peer): when an answer of that term last arrived. */
  private final long[] leading;
  private final long[][] heardNanos;
  /** Per leader: the configuration it counted by at its last event. */
  private final Configuration[] configurations;
  /** Per leader: when its configuration last changed in its term. */
  private final long[] changedNanos;

  /**
   * Checks a cluster of {@code nodes} whose leaders must have stepped down {@code boundNanos} of
   * simulated time after last hearing from a majority.
   */
  public CheckQuorumChecker(int nodes, long boundNanos) {
    this.nodes = nodes;
    this.boundNanos = boundNanos;
    this.leading = new long[nodes + 1];
    this.heardNanos = new long[nodes + 1][nodes + 1];
    this.configurations = new Configuration[nodes + 1];
    this.changedNanos = new long[nodes + 1];
    Arrays.fill(leading, -1);
  }

  /** Node {@code node} received {@code message} at simulated time {@code nowNanos}. */
  void onDelivered(int node, int from, Message message, long nowNanos) {
    boolean answer = message instanceof AppendEntriesResponse response && !response.isStaleTermAnswer()
        || message instanceof InstallSnapshotResponse;
    if (answer && message.term() == leading[node]) {
      heardNanos[node][from] = nowNanos;
    }
  }

  /** After an event of {@code touched} at simulated time {@code nowNanos}. */
  void afterEvent(SimulatedNode<?> touched, long nowNanos) {
    int node = touched.number();
    if (touched.isCrashed() || touched.raft().role() != Role.LEADER) {
      leading[node] = -1;
      return;
    }
    long term = touched.raft().currentTerm();
    if (leading[node] != term) {
      leading[node] = term;
      Arrays.fill(heardNanos[node], nowNanos); // a new leader counts every follower as just heard
      configurations[node] = touched.raft().configuration();
      return;
    }
    Configuration configuration = touched.raft().configuration();
    if (configuration != configurations[node]) {
      // Members new to the leader's configuration count as heard from now, as the leader counts them.
      for (NodeId member : configuration.members()) {
        int peer = numberOf(member);
        if (peer <= nodes && (configurations[node] == null || !configurations[node].isMember(member))) {
          heardNanos[node][peer] = nowNanos;
        }
      }
      configurations[node] = configuration;
      changedNanos[node] = nowNanos;
    }
    if (nowNanos - changedNanos[node] <= boundNanos) {
      return; // a new configuration is judged at the leader's next heartbeats, as the leader judges it
    }
    long oldest = nowNanos;
    Set<NodeId> heard = new HashSet<>();
    heard.add(touched.id()); // the leader counts itself
    for (NodeId member : configuration.members()) {
      int peer = numberOf(member);
      if (peer != node && peer <= nodes) {
        if (nowNanos - heardNanos[node][peer] <= boundNanos) {
          heard.add(member);
        } else {
          oldest = Math.min(oldest, heardNanos[node][peer]);
        }
      }
    }
    if (!Quorum.isQuorum(configuration, heard::contains)) {
      throw Violation.safety("Check Quorum", touched.id() + " still leads term " + term + " though no quorum of "
          + configuration + " has answered it within " + Durations.formatNanos(boundNanos)
          + ", the longest it may lead without one (" + (heard.size() - 1) + " members have; the others last answered "
          + Durations.formatNanos(nowNanos - oldest)
          + " ago or more)");
    }
  }

  /** The number of node {@code id}, named {@code n<number>} in the simulator. */
  private static int numberOf(NodeId id) {
    return Integer.parseInt(id.value().substring(1));
  }
}

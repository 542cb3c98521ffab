package io.keel.sim.check;

import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.Role;
import io.keel.sim.Durations;
import io.keel.sim.SimulatedNode;
import java.util.Arrays;

/**
 * CheckQuorum (thesis §6.2): with it on, a leader that has not heard from a majority (itself
 * included) for longer than the minimum election timeout steps down at its next heartbeat. The
 * checker keeps, in simulated time, when each leader last received an answer of its term from each
 * follower, and fails a leader still in office once no majority has answered within the timeout
 * plus a heartbeat interval, stretched by the largest clock drift and timer lateness.
 */
public final class CheckQuorumChecker {

  private final int nodes;
  private final long boundNanos;
  /** Per leader: the term it leads, or -1; per (leader, peer): when an answer of that term last arrived. */
  private final long[] leading;
  private final long[][] heardNanos;

  /**
   * Checks a cluster of {@code nodes} whose leaders must have stepped down {@code boundNanos} of
   * simulated time after last hearing from a majority.
   */
  public CheckQuorumChecker(int nodes, long boundNanos) {
    this.nodes = nodes;
    this.boundNanos = boundNanos;
    this.leading = new long[nodes + 1];
    this.heardNanos = new long[nodes + 1][nodes + 1];
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
      return;
    }
    int heard = 1; // the leader counts itself
    long oldest = nowNanos;
    for (int peer = 1; peer <= nodes; peer++) {
      if (peer != node) {
        if (nowNanos - heardNanos[node][peer] <= boundNanos) {
          heard++;
        } else {
          oldest = Math.min(oldest, heardNanos[node][peer]);
        }
      }
    }
    if (heard < nodes / 2 + 1) {
      throw Violation.safety("Check Quorum", touched.id() + " still leads term " + term + " though no majority "
          + "has answered it within " + Durations.formatNanos(boundNanos) + ", the longest it may lead without one ("
          + (heard - 1) + " followers have; the others last answered " + Durations.formatNanos(nowNanos - oldest)
          + " ago or more)");
    }
  }
}

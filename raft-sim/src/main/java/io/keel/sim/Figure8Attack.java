package io.keel.sim;

import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import java.util.List;

/**
 * The Raft paper's Figure 8, as a chain of faults that each wait for their protocol moment:
 *
 * <ol>
 *   <li>a leader A holds entries of its term beyond its commit index that less than a majority
 *       (itself included) hold: A crashes, keeping them;
 *   <li>a new leader B holds durable entries of its own term that no follower has acknowledged: B
 *       crashes, keeping them, and A restarts;
 *   <li>A leads again, and the moment its commit index advances it crashes, and B restarts.
 * </ol>
 *
 * <p>B's last term is then above the old-term entries A was replicating; if A committed one of
 * them by counting replicas, before an entry of its new term reached a majority (§5.4.2), B can win
 * an election and overwrite a committed entry. A correct leader's commit index advances only with
 * an entry of its own term, which B's last term is below, so B cannot win. Each step waits as long
 * as it takes; the heal ends the attack wherever it stands.
 *
 * @param <R> the state machine's result type
 */
final class Figure8Attack<R> {

  private final FaultInjector.Host<R> host;
  private int step = 1;
  private SimulatedNode<R> first;
  private SimulatedNode<R> second;
  private long commitWhenLeading = -1;

  Figure8Attack(FaultInjector.Host<R> host) {
    this.host = host;
  }

  /** Whether the attack has run its course. */
  boolean done() {
    return step > 3;
  }

  /** After an event of {@code touched}: takes the next step if its moment has come. */
  void afterEvent(SimulatedNode<R> touched) {
    RaftNode<R> raft = touched.raft();
    if (step == 1 && raft.role() == Role.LEADER && holdsUncommittedOnMinority(raft)) {
      first = touched;
      host.crash(first);
      step = 2;
    } else if (step == 2 && touched != first && raft.role() == Role.LEADER
        && raft.durableIndex() > raft.commitIndex() && raft.durableIndex() > maxMatchIndex(raft)) {
      second = touched;
      host.crash(second);
      host.restart(first);
      step = 3;
    } else if (step == 3 && touched == first && raft.role() == Role.LEADER) {
      if (commitWhenLeading < 0) {
        commitWhenLeading = raft.commitIndex();
      } else if (raft.commitIndex() > commitWhenLeading) {
        host.crash(first);
        host.restart(second);
        step = 4;
      }
    }
  }

  /** Whether the leader holds durable entries beyond its commit index that less than a majority hold. */
  private boolean holdsUncommittedOnMinority(RaftNode<R> leader) {
    if (leader.durableIndex() <= leader.commitIndex()) {
      return false;
    }
    int holders = 1;
    for (long match : leader.matchIndexes().values()) {
      if (match > leader.commitIndex()) {
        holders++;
      }
    }
    List<SimulatedNode<R>> nodes = host.nodes();
    return holders < nodes.size() / 2 + 1;
  }

  private static long maxMatchIndex(RaftNode<?> leader) {
    long max = 0;
    for (long match : leader.matchIndexes().values()) {
      max = Math.max(max, match);
    }
    return max;
  }
}

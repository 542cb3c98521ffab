package io.keel.sim;

import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import java.util.List;

/**
 * The Raft paper's Figure 8, as a chain of faults that each wait for their protocol moment:
 *
 * <ol>
 *   <li>a leader A holds durable entries beyond its commit index whose last less than a majority of
 *       logs (its own included) hold: A is cut off, so that what it has in flight is lost, and
 *       crashes, keeping them;
 *   <li>a new leader B takes office: if its entry of its new term sits at or below A's last index,
 *       where A's old entries are, it is cut off at once, so that the entry reaches no one;
 *       otherwise B has A's entries, the attack cannot go on, and A restarts;
 *   <li>that entry is durable on B: B crashes, keeping it (still cut off, so that what it sent is
 *       lost), and A restarts, its clock jumped so that it campaigns at once (its log, with the old
 *       entries, is the most up to date);
 *   <li>a leader other than B (A, or a node that took A's entries) advances its commit index: the
 *       moment it does, it is cut off (what it has in flight is lost) and crashes, and B restarts,
 *       campaigning at once; the cut heals a second later.
 * </ol>
 *
 * <p>B's last term is then above the old-term entries A was replicating; if A committed one of
 * them by counting replicas, before an entry of its new term reached a majority (§5.4.2), B can win
 * an election and overwrite a committed entry. A correct leader's commit index advances only with
 * an entry of its own term, which B's last term is below, so B cannot win. With small batches and
 * a window of one append, the old entries travel ahead of the new term's. Each step waits as long
 * as it takes; the heal ends the attack wherever it stands.
 *
 * @param <R> the state machine's result type
 */
final class Figure8Attack<R> {

  /** How the attack acts on the cluster. */
  interface Moves<R> {
    void crash(SimulatedNode<R> node);

    /** Restarts {@code node} with its clock jumped past any election timeout, so it campaigns at once. */
    void restartCampaigning(SimulatedNode<R> node);

    /** Cuts {@code node} off from every other node; what is in flight to or from it is lost. */
    void isolate(SimulatedNode<R> node);

    /** Gives up: ends the cut and restarts {@code node}. */
    void abandon(SimulatedNode<R> node);

    /** Ends the cut after {@code afterNanos}. */
    void healCut(long afterNanos);

    List<SimulatedNode<R>> nodes();
  }

  private final Moves<R> moves;
  private int step = 1;
  private SimulatedNode<R> first;
  private SimulatedNode<R> second;
  private SimulatedNode<R> third;
  private long thirdTerm;
  private long commitWhenLeading;
  private long firstLastIndex;

  Figure8Attack(Moves<R> moves) {
    this.moves = moves;
  }

  /** Whether the attack has run its course. */
  boolean done() {
    return step > 4;
  }

  /** After an event of {@code touched}: takes the next step if its moment has come. */
  void afterEvent(SimulatedNode<R> touched) {
    RaftNode<R> raft = touched.raft();
    if (step == 1 && raft.role() == Role.LEADER && holdsUncommittedOnMinority(touched)) {
      first = touched;
      firstLastIndex = raft.lastLogIndex();
      moves.isolate(first);
      moves.crash(first);
      step = 2;
    } else if (step == 2 && touched != first && raft.role() == Role.LEADER) {
      if (raft.lastLogIndex() > firstLastIndex) {
        moves.abandon(first); // B holds A's entries: no Figure 8 here
        step = 5;
        return;
      }
      second = touched;
      moves.isolate(second);
      step = 3;
    } else if (step == 3 && touched == second && raft.durableIndex() == raft.lastLogIndex()) {
      moves.crash(second);
      moves.restartCampaigning(first);
      step = 4;
    } else if (step == 4 && touched != second && raft.role() == Role.LEADER) {
      if (touched != third || raft.currentTerm() != thirdTerm) {
        third = touched;
        thirdTerm = raft.currentTerm();
        commitWhenLeading = raft.commitIndex();
      } else if (raft.commitIndex() > commitWhenLeading) {
        moves.isolate(third);
        moves.crash(third);
        moves.restartCampaigning(second);
        moves.healCut(1_000_000_000L);
        step = 5;
      }
    }
  }

  /**
   * Whether the leader holds durable entries beyond its commit index, its last entry in less than
   * a majority of logs (durable or not, its own included): the rest may elect a leader without it.
   */
  private boolean holdsUncommittedOnMinority(SimulatedNode<R> leader) {
    RaftNode<R> raft = leader.raft();
    long last = raft.lastLogIndex();
    if (raft.durableIndex() <= raft.commitIndex() || raft.durableIndex() < last) {
      return false;
    }
    long term = leader.disk().term(last);
    int holders = 0;
    List<SimulatedNode<R>> nodes = moves.nodes();
    for (SimulatedNode<R> node : nodes) {
      SimulatedDisk log = node.disk();
      if (log.lastIndex() >= last && last >= log.firstIndex() - 1 && log.term(last) == term) {
        holders++;
      }
    }
    return holders < nodes.size() / 2 + 1;
  }
}

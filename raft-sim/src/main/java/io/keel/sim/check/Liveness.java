package io.keel.sim.check;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import io.keel.raft.protocol.Quorum;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.sim.Durations;
import io.keel.sim.SimulatedNode;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;

/**
 * Liveness after the heal (or from a time a scenario names): within the bound, a proposal submitted
 * after the heal commits; and leadership settles: in the second half of the bound, no more
 * elections begin than the storm limit allows. A healthy cluster needs a few elections at most
 * right after a heal and none later; a cluster that keeps electing is in an election storm. And
 * every node catches up: by the end of the run, each running node has applied everything any node
 * had committed when the window opened (by log, or by a snapshot when the leader compacted what it
 * lacks), or at least still applies more or stores more of the snapshot it receives. Each failure
 * is a livelock.
 *
 * <p>One allowance: a leader commits only what a quorum holds, and a quorum that needs a follower
 * far behind waits for it to catch up, one append per round trip with one entry per append and a
 * window of one. While that catch-up visibly advances — the index a quorum holds rises, and holds
 * nothing of the leader's term that it could commit — the commit is judged again one bound later,
 * but never after the run's end.
 */
public final class Liveness {

  private long startNanos;
  private final long boundNanos;
  private final int stormElections;
  private final boolean expectCommits;
  private final long runEndNanos;
  private final LongConsumer judgeAgainAt;
  private long termAtSettled = -1;
  private boolean settledTermNoted;
  private long firstCommitNanos = -1;
  private boolean stormJudged;
  private boolean commitJudged;
  /** When the commit is judged next: the window's end, or later while a quorum catches up. */
  private long commitDeadlineNanos = -1;
  /** How far a quorum had caught up when the window opened or at the last postponement; null if none was. */
  private CatchUp catchUp;
  private int postponements;
  /** The highest commit index any running node held when the window opened; -1 until then. */
  private long commitAtStart = -1;
  /** When the catch-up is judged (the run's end); -1 if not. */
  private long catchUpNanos = -1;
  /** What each node, by number, had applied when the window closed; null until then. */
  private long[] appliedAtDeadline;
  /** Where each node's snapshot receipt stood, by number, when the window closed. */
  private SimulatedNode.Receiving[] receivingAtDeadline;

  /**
   * Liveness judged from {@code startNanos} (negative: not judged) for {@code boundNanos}; with
   * {@code expectCommits}, a proposal submitted in that window must commit within it (or, while a
   * quorum catches up, before {@code runEndNanos}; {@code judgeAgainAt} schedules the next judgement).
   */
  public Liveness(long startNanos, long boundNanos, int stormElections, boolean expectCommits, long runEndNanos,
      LongConsumer judgeAgainAt) {
    this.startNanos = startNanos;
    this.boundNanos = boundNanos;
    this.stormElections = stormElections;
    this.expectCommits = expectCommits;
    this.runEndNanos = runEndNanos;
    this.judgeAgainAt = judgeAgainAt;
  }

  /** Opens the window at {@code newStartNanos} instead, before the run begins. */
  public void startAt(long newStartNanos) {
    this.startNanos = newStartNanos;
  }

  /** When the window opens. */
  public long startNanos() {
    return startNanos;
  }

  /** When the window closes and the run is judged. */
  public long deadlineNanos() {
    return startNanos + boundNanos;
  }

  /** When the second half of the window, in which elections count towards a storm, begins. */
  public long settledNanos() {
    return startNanos + boundNanos / 2;
  }

  /**
   * The time is {@code nowNanos} and {@code maxTerm} is the highest term in which a member leads or
   * knows its leader: a node that campaigns alone in vain, cut off or removed, does not storm.
   * Elections count from the highest term any member had reached when the second half began, so
   * that terms begun before it (and won only after) do not count.
   */
  public void observe(long nowNanos, long maxTerm) {
    if (startNanos < 0 || nowNanos < settledNanos() || stormJudged) {
      return;
    }
    if (termAtSettled < 0) {
      termAtSettled = maxTerm;
    }
    long elections = Math.max(0, maxTerm - termAtSettled);
    if (elections > stormElections) {
      stormJudged = true;
      throw Violation.livelock("Liveness", "election storm: " + elections + " elections between "
          + Durations.formatNanos(settledNanos()) + " and " + Durations.formatNanos(nowNanos)
          + ", when leadership should have settled after " + Durations.formatNanos(startNanos)
          + (firstCommitNanos < 0 ? "; no proposal committed" : ""));
    }
    stormJudged = nowNanos >= deadlineNanos();
  }

  /** Judges at {@code endNanos} (the run's end, after the window) that every node caught up. */
  public void judgeCatchUpAt(long endNanos) {
    this.catchUpNanos = endNanos;
  }

  /**
   * At the LIVENESS events: when the window opens, notes what is committed; when its second half
   * begins, the highest term of the {@code members}; when it closes, whether a proposal committed
   * and what each node has applied; at the run's end, checks that each running node applied what
   * was committed when the window opened, or at least still makes progress towards it (a follower
   * far behind on a slow setting catches up slowly, but a stuck one applies nothing at all).
   */
  public void observeNodes(long nowNanos, List<? extends SimulatedNode<?>> members) {
    if (startNanos < 0 || nowNanos < startNanos) {
      return;
    }
    if (commitAtStart < 0) {
      commitAtStart = 0;
      for (SimulatedNode<?> node : members) {
        if (!node.isCrashed()) {
          commitAtStart = Math.max(commitAtStart, node.raft().commitIndex());
        }
      }
      commitDeadlineNanos = deadlineNanos();
      catchUp = CatchUp.of(members);
    }
    if (nowNanos >= settledNanos() && !settledTermNoted) {
      settledTermNoted = true;
      noteTermAtSettled(members);
    }
    if (nowNanos >= commitDeadlineNanos && !commitJudged) {
      judgeCommit(nowNanos, members);
    }
    if (catchUpNanos >= 0) {
      judgeCatchUp(nowNanos, members);
    }
  }

  private void noteTermAtSettled(List<? extends SimulatedNode<?>> members) {
    long highest = termAtSettled;
    for (SimulatedNode<?> node : members) {
      highest = Math.max(highest, node.raft().currentTerm());
    }
    termAtSettled = highest;
  }

  /** No proposal committed by the deadline: a livelock, unless a quorum visibly catches up. */
  private void judgeCommit(long nowNanos, List<? extends SimulatedNode<?>> members) {
    if (!expectCommits || firstCommitNanos >= 0) {
      commitJudged = true;
      return;
    }
    CatchUp now = CatchUp.of(members);
    long next = commitDeadlineNanos + boundNanos;
    if (now != null && now.advancedFrom(catchUp) && next <= runEndNanos) {
      catchUp = now;
      commitDeadlineNanos = next;
      postponements++;
      judgeAgainAt.accept(next);
      return;
    }
    commitJudged = true;
    throw Violation.livelock("Liveness", "no proposal submitted after " + Durations.formatNanos(startNanos)
        + " committed within " + Durations.formatNanos(nowNanos - startNanos)
        + (postponements == 0 ? "" : " (judged again " + postponements + " times while " + catchUp + ")"));
  }

  /**
   * A leader that may commit nothing more — all a quorum of its configuration holds is committed
   * already, or of an older term — while its followers catch up: {@code progress} is the index a
   * quorum holds plus, for each voter, how much of the committed log it holds, so that it rises as
   * any voter behind catches up (a voter crashed counts at its last known index).
   */
  record CatchUp(NodeId leader, long term, long frontier, long progress) {

    /** The catch-up among {@code members}, or null if none leads, or if its quorum holds an entry it may commit. */
    static CatchUp of(List<? extends SimulatedNode<?>> members) {
      SimulatedNode<?> leader = null;
      for (SimulatedNode<?> node : members) {
        if (!node.isCrashed() && node.raft().role() == Role.LEADER
            && (leader == null || node.raft().currentTerm() > leader.raft().currentTerm())) {
          leader = node;
        }
      }
      if (leader == null) {
        return null;
      }
      RaftNode<?> raft = leader.raft();
      NodeId self = raft.id();
      ToLongFunction<NodeId> match = id -> id.equals(self) ? raft.durableIndex() : Math.max(0, raft.matchIndex(id));
      Configuration configuration = raft.configuration();
      long frontier = Quorum.committedIndex(configuration, match);
      long commit = raft.commitIndex();
      if (frontier > commit && frontier <= leader.disk().lastIndex() && leader.disk().term(frontier) == raft.currentTerm()) {
        return null;
      }
      long progress = frontier;
      for (NodeId voter : configuration.voters()) {
        progress += Math.min(match.applyAsLong(voter), commit);
      }
      for (NodeId voter : configuration.outgoingVoters()) {
        progress += Math.min(match.applyAsLong(voter), commit);
      }
      return new CatchUp(self, raft.currentTerm(), frontier, progress);
    }

    /**
     * Whether this leader caught up further than {@code before}; a leader new since then (or since
     * the window opened) has had no judgement yet, and gets one bound to show that it catches up.
     */
    boolean advancedFrom(CatchUp before) {
      boolean sameLeader = before != null && before.leader.equals(leader) && before.term == term;
      return !sameLeader || progress > before.progress;
    }

    @Override
    public String toString() {
      return leader + "'s followers caught up in term " + term + ", a quorum holding index " + frontier;
    }
  }

  private void judgeCatchUp(long nowNanos, List<? extends SimulatedNode<?>> members) {
    if (nowNanos >= deadlineNanos() && appliedAtDeadline == null && nowNanos < catchUpNanos) {
      appliedAtDeadline = new long[members.stream().mapToInt(SimulatedNode::number).max().orElse(0) + 1];
      Arrays.fill(appliedAtDeadline, -1); // not a member then: judged against nothing it applied
      receivingAtDeadline = new SimulatedNode.Receiving[appliedAtDeadline.length];
      for (SimulatedNode<?> node : members) {
        appliedAtDeadline[node.number()] = node.isCrashed() ? -1 : node.raft().lastApplied();
        receivingAtDeadline[node.number()] = node.receiving();
      }
    } else if (nowNanos >= catchUpNanos && appliedAtDeadline != null) {
      for (SimulatedNode<?> node : members) {
        long applied = node.isCrashed() ? Long.MAX_VALUE : node.raft().lastApplied();
        boolean known = node.number() < appliedAtDeadline.length;
        long before = known ? appliedAtDeadline[node.number()] : -1;
        // A node still receiving the same snapshot (in small chunks, one at a time) catches up too; one
        // whose transfer starts over and over does not.
        boolean receiving = known && receivesMore(receivingAtDeadline[node.number()], node.receiving());
        if (applied < commitAtStart && applied <= before && !receiving) {
          throw Violation.livelock("Catch-Up", node.id() + " is stuck at applied index " + applied + " ("
              + node.raft() + ") from " + Durations.formatNanos(deadlineNanos()) + " to " + Durations.formatNanos(nowNanos)
              + ", though " + commitAtStart + " was committed when the cluster healed at "
              + Durations.formatNanos(startNanos));
        }
      }
      appliedAtDeadline = null;
      receivingAtDeadline = null;
      catchUpNanos = -1;
    }
  }

  private static boolean receivesMore(SimulatedNode.Receiving before, SimulatedNode.Receiving now) {
    return before != null && now != null && now.snapshotIndex() == before.snapshotIndex()
        && now.position() > before.position();
  }

  /** A proposal submitted at {@code submittedNanos} was acknowledged at {@code nowNanos}. */
  public void onAcknowledged(long submittedNanos, long nowNanos) {
    if (startNanos >= 0 && submittedNanos >= startNanos && firstCommitNanos < 0) {
      firstCommitNanos = nowNanos;
    }
  }

  /** When the first proposal submitted in the window committed, or -1. */
  public long firstCommitNanos() {
    return firstCommitNanos;
  }

  /** Whether the window has closed and been judged. */
  public boolean judged() {
    return stormJudged && (commitJudged || !expectCommits);
  }
}

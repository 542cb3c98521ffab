package io.keel.sim.check;

import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.sim.SimulatedNode;
import java.util.Arrays;
import java.util.List;

/**
 * A leader's match index for a follower never moves backwards within its term while it replicates
 * to that follower (a follower removed by a change and added again starts afresh): a reordered, older
 * acknowledgement must not undo what a newer one established (the leader would resend entries the
 * follower holds, and its commit decisions would rest on a number that shrank).
 */
public final class MatchIndexes implements Invariant {

  /** Per leader number: the term its matches belong to, and each follower's highest match seen. */
  private long[] termOf = new long[0];
  private long[][] matchesOf = new long[0][];

  @Override
  public void check(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched) {
    if (touched == null || touched.isCrashed() || touched.raft().role() != Role.LEADER) {
      return;
    }
    if (termOf.length <= nodes.size()) {
      termOf = new long[nodes.size() + 1];
      matchesOf = new long[nodes.size() + 1][nodes.size() + 1];
    }
    RaftNode<?> leader = touched.raft();
    int number = touched.number();
    long term = leader.currentTerm();
    if (termOf[number] != term) {
      termOf[number] = term;
      Arrays.fill(matchesOf[number], 0);
    }
    for (SimulatedNode<?> peer : nodes) {
      long match = leader.matchIndex(peer.id());
      long before = matchesOf[number][peer.number()];
      if (match >= 0 && match < before) {
        throw Violation.safety("Match Indexes", touched.id() + ", leader of term " + term + ", moved the match index of "
            + peer.id() + " back from " + before + " to " + match);
      }
      // A follower the leader stopped replicating to (-1: a change removed it) starts again from
      // nothing if a later change adds it back.
      matchesOf[number][peer.number()] = match < 0 ? 0 : Math.max(before, match);
    }
  }
}

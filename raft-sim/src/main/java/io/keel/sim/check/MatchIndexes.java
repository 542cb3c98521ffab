package io.keel.sim.check;

import io.keel.raft.NodeId;
import io.keel.sim.SimulatedNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A leader's match index for a follower never moves backwards within its term: a reordered, older
 * acknowledgement must not undo what a newer one established (the leader would resend entries the
 * follower holds, and its commit decisions would rest on a number that shrank).
 */
public final class MatchIndexes implements Invariant {

  /** Per leader number: the term its matches belong to, and each follower's highest match seen. */
  private final Map<Integer, Long> termOf = new HashMap<>();
  private final Map<Integer, Map<NodeId, Long>> matchesOf = new HashMap<>();

  @Override
  public void check(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched) {
    if (touched == null || touched.isCrashed()) {
      return;
    }
    Map<NodeId, Long> current = touched.raft().matchIndexes();
    if (current.isEmpty()) {
      return;
    }
    long term = touched.raft().currentTerm();
    Long seenTerm = termOf.put(touched.number(), term);
    Map<NodeId, Long> seen = matchesOf.computeIfAbsent(touched.number(), n -> new HashMap<>());
    if (seenTerm == null || seenTerm != term) {
      seen.clear();
    }
    for (Map.Entry<NodeId, Long> match : current.entrySet()) {
      Long before = seen.put(match.getKey(), match.getValue());
      if (before != null && match.getValue() < before) {
        throw Violation.safety("Match Indexes", touched.id() + ", leader of term " + term + ", moved the match index of "
            + match.getKey() + " back from " + before + " to " + match.getValue());
      }
    }
  }
}

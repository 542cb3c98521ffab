package io.keel.sim.check;

import io.keel.raft.protocol.Role;
import io.keel.sim.SimulatedNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Election Safety (Raft paper, Figure 3): at most one leader can be elected in a given term. */
public final class ElectionSafety implements Invariant {

  private final Map<Long, Integer> leaderOfTerm = new HashMap<>();

  @Override
  public void check(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched) {
    if (touched == null || touched.isCrashed() || touched.raft().role() != Role.LEADER) {
      return;
    }
    long term = touched.raft().currentTerm();
    Integer before = leaderOfTerm.putIfAbsent(term, touched.number());
    if (before != null && before != touched.number()) {
      throw Violation.safety("Election Safety", "n" + before + " and " + touched.id()
          + " were both elected leader of term " + term);
    }
  }

  /** How many terms elected a leader. */
  public int termsWithLeader() {
    return leaderOfTerm.size();
  }
}

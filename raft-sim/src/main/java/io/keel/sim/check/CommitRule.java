package io.keel.sim.check;

import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.sim.SimulatedNode;
import java.util.List;

/**
 * A leader commits by counting replicas only entries of its own term (Raft paper §5.4.2): each time
 * a leader's commit index advances while it leads, the entry it advances to is of its term (the
 * entries before it commit with it). Committing an older-term entry on a count is safe only by
 * luck — the Figure 8 run that overwrites it needs several crashes in a row — so the rule is
 * checked where it is applied, at every advance.
 */
public final class CommitRule implements Invariant {

  private long[] term = new long[0];
  private long[] commit = new long[0];

  @Override
  public void check(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched) {
    if (term.length <= nodes.size()) {
      term = new long[nodes.size() + 1];
      commit = new long[nodes.size() + 1];
    }
    if (touched == null || touched.isCrashed() || touched.raft().role() != Role.LEADER) {
      if (touched != null) {
        term[touched.number()] = 0;
      }
      return;
    }
    RaftNode<?> leader = touched.raft();
    int number = touched.number();
    long index = leader.commitIndex();
    if (term[number] == leader.currentTerm() && index > commit[number] && touched.disk().term(index) != term[number]) {
      throw Violation.safety("Commit Rule", touched.id() + ", leader of term " + term[number] + ", advanced its commit "
          + "index from " + commit[number] + " to " + index + ", an entry of term " + touched.disk().term(index)
          + ": only entries of its own term are committed by counting replicas");
    }
    term[number] = leader.currentTerm();
    commit[number] = index;
  }
}

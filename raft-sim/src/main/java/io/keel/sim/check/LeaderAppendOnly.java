package io.keel.sim.check;

import io.keel.raft.protocol.Role;
import io.keel.sim.SimulatedNode;
import java.util.List;

/**
 * Leader Append-Only (Raft paper, Figure 3): a leader never overwrites or deletes entries in its
 * log; it only appends. Checked across every event during which a node stays leader of one term:
 * its disk made no suffix truncation, its last index did not fall, and its log up to the earlier
 * last index is unchanged.
 */
public final class LeaderAppendOnly implements Invariant {

  private long[] term = new long[0];
  private int[] incarnation = new int[0];
  private long[] truncations = new long[0];
  private long[] lastIndex = new long[0];
  private long[] lastHash = new long[0];

  @Override
  public void check(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched) {
    if (term.length < nodes.size()) {
      term = new long[nodes.size()];
      incarnation = new int[nodes.size()];
      truncations = new long[nodes.size()];
      lastIndex = new long[nodes.size()];
      lastHash = new long[nodes.size()];
    }
    if (touched == null || touched.isCrashed()) {
      return;
    }
    int i = touched.number() - 1;
    if (touched.raft().role() != Role.LEADER) {
      term[i] = 0;
      return;
    }
    long nowTerm = touched.raft().currentTerm();
    long nowLast = touched.disk().lastIndex();
    if (term[i] == nowTerm && incarnation[i] == touched.incarnations()) {
      if (touched.disk().truncations() != truncations[i]) {
        throw Violation.safety("Leader Append-Only", touched.id() + ", leader of term " + nowTerm
            + ", truncated its log");
      }
      if (nowLast < lastIndex[i] || touched.disk().prefixHash(lastIndex[i]) != lastHash[i]) {
        throw Violation.safety("Leader Append-Only", touched.id() + ", leader of term " + nowTerm
            + ", changed its log at or below index " + lastIndex[i]);
      }
    }
    term[i] = nowTerm;
    incarnation[i] = touched.incarnations();
    truncations[i] = touched.disk().truncations();
    lastIndex[i] = nowLast;
    lastHash[i] = touched.disk().prefixHash(nowLast);
  }
}

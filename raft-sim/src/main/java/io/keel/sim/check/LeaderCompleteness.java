package io.keel.sim.check;

import io.keel.raft.protocol.Role;
import io.keel.sim.SimulatedNode;
import java.util.List;

/**
 * Leader Completeness (Raft paper, Figure 3): if an entry is committed in a given term, it is
 * present in the logs of the leaders of all higher terms. Checked when a node becomes leader (it
 * must hold every entry committed in an earlier term) and when entries are committed (every leader
 * of a higher term must hold them).
 */
public final class LeaderCompleteness implements Invariant {

  private final CommittedLog committed = new CommittedLog(this);
  private long[] checkedTerm = new long[0];

  /** The committed log this check reads, which must run before it after every event. */
  CommittedLog committedLog() {
    return committed;
  }

  @Override
  public void check(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched) {
    if (checkedTerm.length < nodes.size()) {
      checkedTerm = new long[nodes.size()];
    }
    if (touched == null || touched.isCrashed() || touched.raft().role() != Role.LEADER) {
      return;
    }
    long term = touched.raft().currentTerm();
    if (checkedTerm[touched.number() - 1] == term) {
      return;
    }
    checkedTerm[touched.number() - 1] = term;
    long index = committed.size();
    while (index > 0 && committed.commitTerm(index) >= term) {
      index--;
    }
    requireHolds(touched, index, term);
  }

  void onCommitted(List<? extends SimulatedNode<?>> nodes, CommittedLog log) {
    for (SimulatedNode<?> node : nodes) {
      if (!node.isCrashed() && node.raft().role() == Role.LEADER
          && node.raft().currentTerm() > log.commitTerm(log.size())) {
        requireHolds(node, log.size(), node.raft().currentTerm());
      }
    }
  }

  private void requireHolds(SimulatedNode<?> leader, long index, long term) {
    if (index == 0) {
      return;
    }
    if (leader.disk().lastIndex() < index || leader.disk().prefixHash(index) != committed.prefixHash(index)) {
      throw Violation.safety("Leader Completeness", leader.id() + ", leader of term " + term
          + ", lacks committed entries up to index " + index + " (committed in term "
          + committed.commitTerm(index) + ")");
    }
  }
}

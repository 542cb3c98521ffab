package io.keel.sim.check;

import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.sim.SimulatedNode;
import java.util.List;

/**
 * The two commit rules, checked where they are applied, at every advance of a commit index: a
 * leader commits by counting replicas only entries of its own term (Raft paper §5.4.2), so each
 * time its commit index advances while it leads, the entry it advances to is of its term; and a
 * follower takes the leader's commit index only as far as the entries the AppendEntries it is
 * handling verified (Figure 2, AppendEntries receiver, rule 5). Breaking either is safe only by
 * luck — the runs that turn them into a lost entry need several faults in a row.
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

  /**
   * Follower {@code node} handled {@code message}, its commit index {@code commitBefore} before;
   * if the message was an AppendEntries that moved the commit index, it moved no further than the
   * last entry the request verified.
   */
  static void onDelivered(SimulatedNode<?> node, Message message, long commitBefore) {
    if (!(message instanceof AppendEntries request) || node.isCrashed()) {
      return;
    }
    long commitIndex = node.raft().commitIndex();
    if (commitIndex > commitBefore && commitIndex > request.lastIndex()) {
      throw Violation.safety("Commit Rule", node.id() + " moved its commit index from " + commitBefore + " to "
          + commitIndex + " on an AppendEntries that verified its log only up to " + request.lastIndex());
    }
  }
}

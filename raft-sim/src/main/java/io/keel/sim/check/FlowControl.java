package io.keel.sim.check;

import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.Role;
import io.keel.sim.SimulatedNode;

/**
 * A leader's in-flight window is freed by acknowledgements: when a follower acknowledges the last
 * entry the leader has sent it, nothing of that follower's is in flight any more, so a leader
 * holding entries the follower lacks sends it more within that same event. A window that leaks
 * (never freed) or a pipeline that waits on nothing passes every safety check and commits a
 * trickle; this sees it at the first acknowledgement it ignores.
 */
final class FlowControl {

  /** Per (leader, follower): the term, and the last index of the entries last sent in that term. */
  private final long[][] sentTerm;
  private final long[][] sentUpTo;
  /** The check the event being handled owes, if any. */
  private int owedLeader;
  private int owedFollower;
  private long owedTerm;
  private boolean owedSend;

  FlowControl(int nodes) {
    this.sentTerm = new long[nodes + 1][nodes + 1];
    this.sentUpTo = new long[nodes + 1][nodes + 1];
  }

  /** Node {@code from} sent {@code message} to {@code to}. */
  void onSent(SimulatedNode<?> from, int to, Message message) {
    if (message instanceof AppendEntries probe && probe.entries().isEmpty() && probe.term() == sentTerm[from.number()][to]) {
      // A probe beyond what was sent: a follower added back in this term, probed at the log's end.
      // Acknowledgements of what was sent before no longer free a window that holds it.
      sentUpTo[from.number()][to] = Math.max(sentUpTo[from.number()][to], probe.prevLogIndex());
      return;
    }
    if (message instanceof AppendEntries append && !append.entries().isEmpty()) {
      int leader = from.number();
      if (sentTerm[leader][to] != append.term()) {
        sentTerm[leader][to] = append.term();
        sentUpTo[leader][to] = 0;
      }
      sentUpTo[leader][to] = Math.max(sentUpTo[leader][to], append.lastIndex());
      if (owedLeader == leader && owedFollower == to) {
        owedSend = false;
      }
    }
  }

  /** Node {@code to} is about to handle {@code message} from node {@code from}. */
  void beforeDelivery(SimulatedNode<?> to, int from, Message message) {
    owedLeader = 0;
    int leader = to.number();
    if (message instanceof AppendEntriesResponse response && response.success()
        && to.raft().role() == Role.LEADER && response.term() == to.raft().currentTerm()
        && sentTerm[leader][from] == response.term() && response.matchIndex() == sentUpTo[leader][from]
        && to.raft().lastLogIndex() > sentUpTo[leader][from]
        && response.matchIndex() >= to.disk().firstIndex() - 1) { // else only a snapshot can follow
      owedLeader = leader;
      owedFollower = from;
      owedTerm = response.term();
      owedSend = true;
    }
  }

  /** Node {@code to} has handled the message: if it owed a follower an append, it sent one. */
  void afterDelivery(SimulatedNode<?> to) {
    if (owedLeader == 0 || owedLeader != to.number()) {
      return;
    }
    boolean stillLeads = !to.isCrashed() && to.raft().role() == Role.LEADER && to.raft().currentTerm() == owedTerm;
    // A follower the configuration no longer names is no longer replicated to: nothing is owed.
    boolean stillFollower = stillLeads && to.raft().matchIndex(NodeId.of("n" + owedFollower)) >= 0;
    if (owedSend && stillFollower) {
      throw Violation.livelock("Flow Control", to.id() + ", leader of term " + owedTerm + ", heard n" + owedFollower
          + " acknowledge index " + sentUpTo[owedLeader][owedFollower] + ", the last it had sent it, and sent it "
          + "nothing more though its log reaches " + to.raft().lastLogIndex());
    }
    owedLeader = 0;
  }
}

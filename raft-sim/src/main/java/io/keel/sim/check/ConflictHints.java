package io.keel.sim.check;

import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.sim.SimulatedDisk;
import io.keel.sim.SimulatedNode;
import java.util.ArrayDeque;

/**
 * A follower's rejection carries a true hint (Raft paper §5.3, the optimization at the end): if its
 * log is shorter than the rejected index, the hint is its last index plus one; otherwise it names
 * the term the follower holds at the rejected index and the first index of its run of that term.
 * A wrong hint costs round trips, or, pointing past the divergence, makes a leader skip entries.
 * The expected hint is taken from the follower's log when it decides to reject (the answer may
 * leave later, once its hard state is durable) and compared with the hint that leaves.
 */
final class ConflictHints {

  /** A rejection a follower decided on: the index it rejects and the hint it owes. */
  private record Expected(long rejectedIndex, long conflictTerm, long conflictIndex) {}

  /** Per (follower, leader): the rejections decided and not yet sent, in order. */
  private final ArrayDeque<Expected>[][] decided;

  @SuppressWarnings("unchecked")
  ConflictHints(int nodes) {
    this.decided = new ArrayDeque[nodes + 1][nodes + 1];
    for (ArrayDeque<Expected>[] row : decided) {
      for (int i = 0; i < row.length; i++) {
        row[i] = new ArrayDeque<>();
      }
    }
  }

  /** Node {@code node} (re)started: nothing it decided before is owed any more. */
  void onStart(int node) {
    for (ArrayDeque<Expected> owed : decided[node]) {
      owed.clear();
    }
  }

  /** {@code follower} is about to handle {@code message} from node {@code from}: a rejection is decided here. */
  void beforeDelivery(SimulatedNode<?> follower, int from, Message message) {
    if (!(message instanceof AppendEntries request) || request.term() < follower.raft().currentTerm()) {
      return;
    }
    SimulatedDisk log = follower.disk();
    long prev = request.prevLogIndex();
    if (prev > log.lastIndex()) {
      decided[follower.number()][from].add(new Expected(prev, 0, log.lastIndex() + 1));
    } else if (prev >= log.firstIndex() - 1 && log.term(prev) != request.prevLogTerm()) {
      long term = log.term(prev);
      long first = prev;
      while (first > log.firstIndex() && log.term(first - 1) == term) {
        first--;
      }
      decided[follower.number()][from].add(new Expected(prev, term, first));
    }
  }

  /** {@code follower} sends {@code response} to node {@code to}. */
  void onSent(SimulatedNode<?> follower, int to, AppendEntriesResponse response) {
    if (response.success() || response.isStaleTermAnswer()) {
      return;
    }
    Expected expected = decided[follower.number()][to].poll();
    if (expected == null || expected.rejectedIndex() != response.matchIndex()) {
      throw Violation.safety("Conflict Hints", follower.id() + " rejected index " + response.matchIndex()
          + " though its log matched the request it answers" + (expected == null ? "" : " (it owed a rejection of "
          + expected.rejectedIndex() + ")"));
    }
    if (expected.conflictTerm() != response.conflictTerm() || expected.conflictIndex() != response.conflictIndex()) {
      throw Violation.safety("Conflict Hints", follower.id() + " rejected index " + response.matchIndex()
          + " with the hint " + response.conflictIndex() + "@" + response.conflictTerm() + "; its log, when it "
          + "decided, called for " + expected.conflictIndex() + "@" + expected.conflictTerm());
    }
  }
}

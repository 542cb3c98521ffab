package io.keel.sim.check;

import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.Role;
import io.keel.sim.SimulatedDisk;
import io.keel.sim.SimulatedNode;

/**
 * After a follower rejects an append, the leader's next probe skips everything the hint rules out
 * (Raft paper §5.3, the optimization at the end; thesis §5.3): past its own last entry of the
 * follower's conflicting term if it has that term, else to the follower's first index of it, or
 * past the follower's log if that is shorter. Checked on the probe the leader sends while handling
 * the rejection (a rejection it finds stale gets no probe): it may start earlier than the hint
 * allows, never later, except where it already knows the follower matches further.
 */
final class FastBacktracking {

  private int owedLeader;
  private int owedFollower;
  private long bound;

  /** Node {@code to} is about to handle {@code message} from node {@code from}. */
  void beforeDelivery(SimulatedNode<?> to, int from, Message message) {
    owedLeader = 0;
    if (!(message instanceof AppendEntriesResponse response) || response.success() || response.isStaleTermAnswer()
        || to.raft().role() != Role.LEADER || response.term() != to.raft().currentTerm()) {
      return;
    }
    owedLeader = to.number();
    owedFollower = from;
    bound = resumeBound(to.disk(), response);
  }

  /** Node {@code from} sends {@code message} to node {@code to}, inside the event being handled. */
  void onSent(SimulatedNode<?> from, SimulatedNode<?> to, Message message) {
    if (owedLeader != from.number() || owedFollower != to.number() || !(message instanceof AppendEntries append)) {
      return;
    }
    owedLeader = 0;
    long next = append.prevLogIndex() + 1;
    long known = from.raft().matchIndex(to.id()) + 1;
    if (next > Math.max(bound, known)) {
      throw Violation.safety("Fast Backtracking", from.id() + " resumed " + to.id() + " at index " + next
          + " after its rejection, past " + bound + ", the latest index the follower's hint allows");
    }
  }

  /** The delivery event is over: a rejection left unanswered was stale, and owes nothing. */
  void afterDelivery() {
    owedLeader = 0;
  }

  /** The latest index the leader may resume at after {@code rejection}, given its own log. */
  private static long resumeBound(SimulatedDisk log, AppendEntriesResponse rejection) {
    long term = rejection.conflictTerm();
    if (term == 0) {
      return rejection.conflictIndex();
    }
    // The last index at most the rejected one whose term is at most the conflicting term: terms
    // never decrease along a log, so a binary search.
    long low = log.firstIndex() - 1;
    long high = Math.min(rejection.matchIndex(), log.lastIndex());
    if (log.term(low) > term) {
      return Math.min(rejection.conflictIndex(), low + 1);
    }
    while (low < high) {
      long middle = low + (high - low + 1) / 2;
      if (log.term(middle) <= term) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return log.term(low) == term ? low + 1 : Math.min(rejection.conflictIndex(), low + 1);
  }
}

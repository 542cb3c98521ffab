package io.keel.sim.check;

import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.protocol.Role;
import io.keel.sim.SimulatedNode;

/**
 * A follower acknowledges only what its disk holds durably and what matches its leader's log
 * (docs/architecture.md, rules 3 and 6): checked at the moment each acknowledgement leaves, against
 * the follower's durable log and the leader's log, by prefix hash. A durability report that names
 * an (index, term) which a truncation has since made to recur is caught here, at once, rather
 * than by the crash that would lose the entry. Entries in a durable snapshot count as durable: a
 * node that restarts recovers its log from its snapshot.
 *
 * <p>An acknowledgement leaves when its term's hard state is durable, which may be after the
 * follower has moved to a later term and truncated what it acknowledged. Such an acknowledgement
 * was true when it was made, and to the old leader it is the same as one the network delayed, which
 * Raft tolerates: the follower held the entries before it voted in any later term. It is checked
 * only while the follower is still in the acknowledgement's term, when its log can have changed only
 * by growing in agreement with that term's leader.
 */
public final class AcknowledgedDurable {

  private AcknowledgedDurable() {}

  /** {@code follower} sends {@code response} to {@code leader}. */
  static void onSent(SimulatedNode<?> follower, SimulatedNode<?> leader, AppendEntriesResponse response) {
    if (!response.success() || leader.isCrashed() || leader.raft().role() != Role.LEADER
        || leader.raft().currentTerm() != response.term() || follower.raft().currentTerm() != response.term()) {
      return;
    }
    long index = response.matchIndex();
    if (index <= follower.durableSnapshotIndex()) {
      return; // in a durable snapshot, so committed: the leader holds the same entries
    }
    if (index > follower.disk().durableLastIndex()) {
      throw Violation.safety("Acknowledged Durable", follower.id() + " acknowledged index " + index + " to "
          + leader.id() + " with only " + follower.disk().durableLastIndex() + " entries durable");
    }
    if (index > leader.disk().lastIndex()
        || follower.disk().durablePrefixHash(index) != leader.disk().prefixHash(index)) {
      throw Violation.safety("Acknowledged Durable", follower.id() + " acknowledged index " + index + " to "
          + leader.id() + ", leader of term " + response.term() + ", but its durable log up to there differs from the "
          + "leader's");
    }
  }
}

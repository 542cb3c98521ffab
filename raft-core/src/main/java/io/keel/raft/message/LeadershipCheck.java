package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * A leader asks its voters to confirm that it still leads its term, before it serves reads at a
 * read index (Raft thesis §6.4): the answers of a quorum to a check sent after a read arrived prove
 * that no other leader had been elected when the read arrived.
 *
 * @param term the leader's term
 * @param from the leader
 * @param round the number of the check, increasing within the leader's term
 */
public record LeadershipCheck(long term, NodeId from, long round) implements Message {

  /** Validates the message. */
  public LeadershipCheck {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
    if (round < 1) {
      throw new IllegalArgumentException("a leadership check's round is at least 1, got " + round);
    }
  }
}

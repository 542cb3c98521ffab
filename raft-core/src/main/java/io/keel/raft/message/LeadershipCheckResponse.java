package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * A voter's answer to a {@link LeadershipCheck}: in the leader's term, it still follows that
 * leader; in a later term, it does not, and the leader learns the term.
 *
 * @param term the voter's current term
 * @param from the voter
 * @param round the round of the check it answers
 */
public record LeadershipCheckResponse(long term, NodeId from, long round) implements Message {

  /** Validates the message. */
  public LeadershipCheckResponse {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
    if (round < 1) {
      throw new IllegalArgumentException("a leadership check's round is at least 1, got " + round);
    }
  }
}

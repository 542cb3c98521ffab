package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * A leader hands its leadership to the receiver (Raft thesis §3.10): the receiver, whose log the
 * leader has brought up to date, starts an election at once, without waiting for its election
 * timeout and without a PreVote round, and marks its vote requests as a
 * {@link RequestVote#leadershipTransfer() leadership transfer}.
 *
 * @param term the leader's term
 * @param from the leader
 */
public record TimeoutNow(long term, NodeId from) implements Message {

  /** Validates the message. */
  public TimeoutNow {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
  }
}

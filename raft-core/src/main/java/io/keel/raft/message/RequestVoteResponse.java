package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * The answer to a {@link RequestVote}.
 *
 * @param term the responder's current term
 * @param from the responder
 * @param granted whether the responder voted for the candidate
 */
public record RequestVoteResponse(long term, NodeId from, boolean granted) implements Message {

  /** Validates the message. */
  public RequestVoteResponse {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
  }
}

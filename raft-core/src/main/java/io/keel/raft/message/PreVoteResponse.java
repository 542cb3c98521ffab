package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * The answer to a {@link PreVote}. A granted answer carries the term asked about; a refusal carries
 * the responder's current term, so a sender that has fallen behind learns the term.
 *
 * @param term the pre-vote's term if granted, else the responder's current term
 * @param from the responder
 * @param granted whether the responder would vote for the sender
 */
public record PreVoteResponse(long term, NodeId from, boolean granted) implements Message {

  /** Validates the message. */
  public PreVoteResponse {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
  }
}

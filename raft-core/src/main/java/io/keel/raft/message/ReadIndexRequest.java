package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * A follower asks the leader of its term for a read index, to serve a linearizable read itself
 * once it has applied that far (Raft thesis §6.4, follower reads).
 *
 * @param term the follower's term
 * @param from the follower
 * @param requestId the follower's number for the request, echoed in the answer
 */
public record ReadIndexRequest(long term, NodeId from, long requestId) implements Message {

  /** Validates the message. */
  public ReadIndexRequest {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
  }
}

package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * The leader's answer to a {@link ReadIndexRequest}: a read index it confirmed with a quorum, or a
 * refusal (it no longer leads, or could not confirm).
 *
 * @param term the leader's term
 * @param from the leader
 * @param requestId the follower's number for the request
 * @param readIndex the confirmed read index; 0 with a refusal
 * @param ok whether the read index is confirmed
 */
public record ReadIndexResponse(long term, NodeId from, long requestId, long readIndex, boolean ok)
    implements Message {

  /** Validates the message. */
  public ReadIndexResponse {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
    if (readIndex < 0 || (!ok && readIndex != 0)) {
      throw new IllegalArgumentException("a read index is at least 0, and 0 with a refusal; got " + readIndex
          + (ok ? "" : " with a refusal"));
    }
  }
}

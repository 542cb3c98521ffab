package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * Asks whether the receiver would vote for the sender in {@code term}, without disturbing anyone's
 * term (Raft thesis §9.6). A node holds a real election only after a majority says yes.
 *
 * @param term the term the sender would campaign in: its current term plus one
 * @param from the would-be candidate
 * @param lastLogIndex index of the sender's last log entry
 * @param lastLogTerm term of the sender's last log entry
 */
public record PreVote(long term, NodeId from, long lastLogIndex, long lastLogTerm) implements Message {

  /** Validates the message. */
  public PreVote {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
    Messages.requireIndexAndTerm(lastLogIndex, lastLogTerm);
  }
}

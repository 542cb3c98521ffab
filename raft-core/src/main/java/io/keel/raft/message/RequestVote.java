package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * A candidate's request for a vote (Raft paper, Figure 2, "RequestVote RPC").
 *
 * @param term the candidate's term
 * @param from the candidate
 * @param lastLogIndex index of the candidate's last log entry
 * @param lastLogTerm term of the candidate's last log entry
 */
public record RequestVote(long term, NodeId from, long lastLogIndex, long lastLogTerm) implements Message {

  /** Validates the message. */
  public RequestVote {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
    Messages.requireIndexAndTerm(lastLogIndex, lastLogTerm);
  }
}

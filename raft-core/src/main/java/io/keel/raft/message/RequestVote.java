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
 * @param leadershipTransfer whether the candidate campaigns because the leader handed leadership
 *     over to it ({@link TimeoutNow}); voters then grant the vote even though they hear from that
 *     leader (Raft thesis §3.10 and §4.2.3)
 */
public record RequestVote(long term, NodeId from, long lastLogIndex, long lastLogTerm, boolean leadershipTransfer)
    implements Message {

  /** Validates the message. */
  public RequestVote {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
    Messages.requireIndexAndTerm(lastLogIndex, lastLogTerm);
  }

  /** A request from a candidate whose election timeout elapsed (no leadership transfer). */
  public RequestVote(long term, NodeId from, long lastLogIndex, long lastLogTerm) {
    this(term, from, lastLogIndex, lastLogTerm, false);
  }
}

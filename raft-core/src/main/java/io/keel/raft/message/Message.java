package io.keel.raft.message;

import io.keel.raft.NodeId;

/**
 * A message between Raft nodes. Every message carries its sender's term, which the receiver
 * compares with its own before anything else (Raft paper, Figure 2, "Rules for all servers").
 */
public sealed interface Message
    permits PreVote, PreVoteResponse, RequestVote, RequestVoteResponse, AppendEntries,
        AppendEntriesResponse, InstallSnapshot, InstallSnapshotResponse, TimeoutNow, LeadershipCheck,
        LeadershipCheckResponse, ReadIndexRequest, ReadIndexResponse {

  /** The sender's term (for a {@link PreVote}, the term the sender would campaign in). */
  long term();

  /** The sender. */
  NodeId from();
}

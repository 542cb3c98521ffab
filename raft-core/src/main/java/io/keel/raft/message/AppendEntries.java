package io.keel.raft.message;

import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * The leader's replication and heartbeat message (Raft paper, Figure 2, "AppendEntries RPC"). With
 * no entries it is a heartbeat, which still carries the consistency check and the commit index.
 *
 * @param term the leader's term
 * @param from the leader
 * @param prevLogIndex index of the entry just before {@code entries}
 * @param prevLogTerm term of that entry
 * @param entries entries to store, consecutive from {@code prevLogIndex + 1}; empty for a heartbeat
 * @param leaderCommit the leader's commit index
 */
public record AppendEntries(
    long term, NodeId from, long prevLogIndex, long prevLogTerm, List<LogEntry> entries, long leaderCommit)
    implements Message {

  /** Validates the message, including that the entries continue from {@code prevLogIndex}. */
  public AppendEntries {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
    Messages.requireIndexAndTerm(prevLogIndex, prevLogTerm);
    if (leaderCommit < 0) {
      throw new IllegalArgumentException("leaderCommit must be >= 0, got " + leaderCommit);
    }
    entries = List.copyOf(entries);
    long expectedIndex = prevLogIndex + 1;
    long previousTerm = prevLogTerm;
    for (LogEntry entry : entries) {
      if (entry.index() != expectedIndex) {
        throw new IllegalArgumentException(
            "entries must be consecutive from " + (prevLogIndex + 1) + ", found index " + entry.index());
      }
      if (entry.term() < previousTerm || entry.term() > term) {
        throw new IllegalArgumentException("entry " + entry.index() + " has term " + entry.term()
            + ", outside [" + previousTerm + ", " + term + "]");
      }
      previousTerm = entry.term();
      expectedIndex++;
    }
  }

  /** The index of the last entry carried, or {@code prevLogIndex} for a heartbeat. */
  public long lastIndex() {
    return prevLogIndex + entries.size();
  }
}

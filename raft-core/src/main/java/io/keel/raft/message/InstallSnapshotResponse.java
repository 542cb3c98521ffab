package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * A follower's answer to {@link InstallSnapshot}: how many bytes of the snapshot ending at
 * {@code snapshotIndex} it holds, so the leader sends on from there, or that it is done with it.
 *
 * <p>{@code done} means the follower needs nothing more of this snapshot: it installed it, or its
 * log or state machine already reach that far; the leader then goes on by log from
 * {@code snapshotIndex + 1}. It claims nothing about durability: the follower acknowledges
 * entries, as always, through {@link AppendEntriesResponse}.
 *
 * @param term the follower's current term
 * @param from the follower
 * @param snapshotIndex the last index of the snapshot answered
 * @param position how many payload bytes the follower holds: where the next chunk should start
 * @param done whether the follower needs no more of this snapshot
 */
public record InstallSnapshotResponse(long term, NodeId from, long snapshotIndex, long position, boolean done)
    implements Message {

  /** Validates the message. */
  public InstallSnapshotResponse {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
    if (snapshotIndex < 1 || position < 0) {
      throw new IllegalArgumentException("snapshot index must be >= 1 and position >= 0, got "
          + snapshotIndex + " and " + position);
    }
  }
}

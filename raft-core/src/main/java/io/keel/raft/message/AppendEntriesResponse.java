package io.keel.raft.message;

import io.keel.raft.NodeId;
import java.util.Objects;

/**
 * A follower's answer to {@link AppendEntries}.
 *
 * <p>On success, {@code matchIndex} is the highest index that the follower knows matches the
 * leader's log <em>and</em> holds durably; the leader counts it towards commit. On rejection,
 * {@code matchIndex} repeats the rejected {@code prevLogIndex}, and the conflict hint lets the leader
 * skip a whole term per round trip (Raft paper §5.3): {@code conflictTerm} is the term the follower
 * holds at that index, or 0 if its log is shorter, and {@code conflictIndex} is the first index the
 * follower holds with that term, or its last index plus one if its log is shorter. A rejection
 * with no hint at all ({@code conflictIndex == 0}, see {@link #staleTerm}) answers an AppendEntries
 * of a term older than the follower's: its only news is the follower's term.
 *
 * @param term the follower's current term
 * @param from the follower
 * @param success whether the consistency check passed
 * @param matchIndex on success the durable matching index; on rejection the rejected prevLogIndex
 * @param conflictTerm on rejection, the follower's term at the rejected index (0 if it has none)
 * @param conflictIndex on rejection, where the leader may resume
 */
public record AppendEntriesResponse(
    long term, NodeId from, boolean success, long matchIndex, long conflictTerm, long conflictIndex)
    implements Message {

  /** Validates the message. */
  public AppendEntriesResponse {
    Objects.requireNonNull(from, "from");
    Messages.requireTerm(term);
    if (matchIndex < 0 || conflictTerm < 0 || conflictIndex < 0) {
      throw new IllegalArgumentException("indexes and terms must be >= 0");
    }
    if (success && (conflictTerm != 0 || conflictIndex != 0)) {
      throw new IllegalArgumentException("a successful response carries no conflict hint");
    }
  }

  /** A success: the follower matches the leader, durably, up to {@code matchIndex}. */
  public static AppendEntriesResponse accepted(long term, NodeId from, long matchIndex) {
    return new AppendEntriesResponse(term, from, true, matchIndex, 0, 0);
  }

  /**
   * The answer to an AppendEntries of a term older than the follower's {@code term}: it tells the
   * stale leader the term, and carries no hint, since the request's log may be long gone.
   */
  public static AppendEntriesResponse staleTerm(long term, NodeId from, long rejectedIndex) {
    return new AppendEntriesResponse(term, from, false, rejectedIndex, 0, 0);
  }

  /** Whether this is a {@link #staleTerm} answer rather than the result of a consistency check. */
  public boolean isStaleTermAnswer() {
    return !success && conflictIndex == 0;
  }

  /** A rejection of the check at {@code rejectedIndex}, with the follower's conflict hint. */
  public static AppendEntriesResponse rejected(
      long term, NodeId from, long rejectedIndex, long conflictTerm, long conflictIndex) {
    return new AppendEntriesResponse(term, from, false, rejectedIndex, conflictTerm, conflictIndex);
  }
}

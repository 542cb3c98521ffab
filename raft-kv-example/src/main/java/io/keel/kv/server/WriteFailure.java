package io.keel.kv.server;

import io.keel.raft.LeadershipLostException;
import io.keel.raft.LeadershipTransferException;
import io.keel.raft.NodeId;
import io.keel.raft.NodeStoppedException;
import io.keel.raft.NotLeaderException;
import io.keel.raft.TooManyPendingProposalsException;
import io.keel.raft.session.SessionException;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Why one attempt at a write failed, in the terms that decide what the node does next; a leader
 * sends it back to a forwarding node as the error {@code -KEEL <KIND> <message>}.
 */
final class WriteFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What the failure says about the write. */
  enum Kind {
    /** Not appended anywhere (no leader here, a full queue, a transfer under way): try again. */
    REFUSED,
    /** Perhaps appended (leadership lost, a timeout, a lost connection): try again with the same number. */
    UNCERTAIN,
    /** The session is unknown to the group (expired or evicted): this attempt did not apply. */
    UNKNOWN_SESSION,
    /** Applied before, but its result is no longer kept. */
    RESULT_DISCARDED,
    /** The command itself failed (a malformed command): retrying gives the same answer. */
    FAILED
  }

  private final Kind kind;
  private final transient NodeId leader;

  WriteFailure(Kind kind, String message, NodeId leader) {
    super(message, null, false, false);
    this.kind = kind;
    this.leader = leader;
  }

  Kind kind() {
    return kind;
  }

  /** The leader named by whoever refused the attempt, if it named one. */
  Optional<NodeId> leader() {
    return Optional.ofNullable(leader);
  }

  /** The RESP error a leader answers a forwarded attempt with. */
  String toWire() {
    return "KEEL " + kind + (leader == null ? " -" : " " + leader.value()) + " " + getMessage();
  }

  /** What {@link #toWire()} wrote, or a {@link Kind#FAILED} failure if {@code error} is no such text. */
  static WriteFailure fromWire(String error) {
    String[] parts = error.split(" ", 4);
    if (parts.length == 4 && parts[0].equals("KEEL")) {
      try {
        NodeId leader = parts[2].equals("-") ? null : NodeId.of(parts[2]);
        return new WriteFailure(Kind.valueOf(parts[1]), parts[3], leader);
      } catch (IllegalArgumentException e) {
        // not one of ours: below
      }
    }
    return new WriteFailure(Kind.UNCERTAIN, "the leader answered: " + error, null);
  }

  /** Classifies what an attempt failed with. */
  static WriteFailure classify(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof WriteFailure known) {
      return known;
    }
    if (cause instanceof NotLeaderException notLeader) {
      return new WriteFailure(Kind.REFUSED, "not the leader", notLeader.leader().orElse(null));
    }
    if (cause instanceof TooManyPendingProposalsException || cause instanceof LeadershipTransferException) {
      return new WriteFailure(Kind.REFUSED, cause.getMessage(), null);
    }
    if (cause instanceof LeadershipLostException || cause instanceof NodeStoppedException
        || cause instanceof TimeoutException || cause instanceof IOException) {
      return new WriteFailure(Kind.UNCERTAIN, String.valueOf(cause.getMessage()), null);
    }
    if (cause instanceof SessionException session) {
      return new WriteFailure(session.reason() == SessionException.Reason.UNKNOWN_SESSION ? Kind.UNKNOWN_SESSION
          : Kind.RESULT_DISCARDED, session.getMessage(), null);
    }
    return new WriteFailure(Kind.FAILED, String.valueOf(cause.getMessage()), null);
  }

  /** The failure inside the wrappers futures add. */
  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}

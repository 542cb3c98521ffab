package io.keel.raft.protocol;

import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.message.LeadershipCheck;
import io.keel.raft.message.LeadershipCheckResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.ReadIndexRequest;
import io.keel.raft.message.ReadIndexResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import io.keel.raft.message.TimeoutNow;
import java.util.function.Consumer;

/**
 * The path of every message into a node: first the checks that a correct peer could have sent it
 * ({@link MessageChecks}), then the term rules common to all roles (Figure 2, "Rules for all
 * servers"), then the current role or the {@link Voter}. Each step returns why the message is
 * impossible, or null; nothing is changed by a message found impossible.
 */
final class MessageRouter {

  private final RaftNode<?> node;
  private final MessageChecks checks;
  private final Voter voter;
  private final Consumer<ImpossibleMessage> impossibleMessageListener;
  private long impossibleMessages;

  MessageRouter(RaftNode<?> node, RaftLog log, boolean leaseReads, Consumer<ImpossibleMessage> listener) {
    this.node = node;
    this.impossibleMessageListener = listener;
    this.checks = new MessageChecks(node, log);
    this.voter = new Voter(node, log, leaseReads);
  }

  /** Handles {@code message}, or counts and reports it as impossible. */
  void receive(Message message) {
    String impossibility = checks.impossibility(message);
    if (impossibility == null) {
      impossibility = applyTermRules(message);
    }
    if (impossibility != null) {
      impossibleMessages++;
      impossibleMessageListener.accept(new ImpossibleMessage(message, impossibility));
    }
  }

  /** How many messages were refused as impossible. */
  long impossibleMessages() {
    return impossibleMessages;
  }

  /**
   * Figure 2, "All servers": a message of a higher term makes this node adopt the term, of a lower
   * one is answered as stale; then the current role handles it.
   */
  private String applyTermRules(Message message) {
    if (message.term() > node.currentTerm()) {
      if (!adoptsTermOf(message)) {
        return null;
      }
    } else if (message.term() < node.currentTerm()) {
      answerStale(message);
      return null;
    }
    return dispatch(message);
  }

  /**
   * A message of a higher term: Figure 2, "if RPC request or response contains term T >
   * currentTerm: set currentTerm = T, convert to follower" — except for pre-votes, which change no
   * term, for vote requests that arrive while this node hears from a leader (thesis §4.2.3),
   * unless that leader handed its leadership to the candidate (thesis §3.10), and for answers from
   * nodes this one neither counts nor replicates to.
   *
   * @return whether to go on handling the message
   */
  private boolean adoptsTermOf(Message message) {
    if (message instanceof PreVote || (message instanceof PreVoteResponse response && response.granted())) {
      return true;
    }
    if (message instanceof RequestVote request && !request.leadershipTransfer() && voter.hearsFromLeader()) {
      return false;
    }
    if (isAnswer(message) && !node.configuration().isMember(message.from()) && node.matchIndex(message.from()) < 0) {
      // An answer from a node outside the configuration that this node does not replicate to (one
      // removed, still answering a late message with the term it campaigned alone to) cannot depose it.
      return false;
    }
    boolean fromLeader = message instanceof AppendEntries || message instanceof InstallSnapshot
        || message instanceof TimeoutNow || message instanceof LeadershipCheck;
    node.becomeFollower(message.term(), fromLeader ? message.from() : null);
    return true;
  }

  private static boolean isAnswer(Message message) {
    return message instanceof AppendEntriesResponse || message instanceof InstallSnapshotResponse
        || message instanceof RequestVoteResponse || message instanceof PreVoteResponse
        || message instanceof LeadershipCheckResponse || message instanceof ReadIndexResponse;
  }

  /**
   * Hands a read message of the current term to {@link Reads} (or a leadership check to the
   * follower): why it is impossible, "" if it was handled, or null if it is no read message.
   */
  private String dispatchRead(Message message, RoleState role) {
    if (message instanceof LeadershipCheck check) {
      if (role instanceof Leader) {
        return "a second leader: this node leads term " + node.currentTerm();
      }
      if (!(role instanceof Follower)) {
        node.becomeFollower(node.currentTerm(), check.from());
      }
      return orHandled(((Follower) node.roleState()).handle(check));
    }
    if (message instanceof LeadershipCheckResponse response) {
      return orHandled(role instanceof Leader ? node.reads().onCheckResponse(response) : null);
    }
    if (message instanceof ReadIndexRequest request) {
      node.reads().onReadIndexRequest(request);
      return "";
    }
    if (message instanceof ReadIndexResponse response) {
      node.reads().onReadIndexResponse(response);
      return "";
    }
    return null;
  }

  private static String orHandled(String impossibility) {
    return impossibility == null ? "" : impossibility;
  }

  /**
   * A message of a lower term: refuse requests, so that their stale sender learns the term. A
   * stale leadership check goes unanswered: an answer would carry the round of another term, which
   * its sender, leading a later term, could take for an answer to a check of its own.
   */
  private void answerStale(Message message) {
    long term = node.currentTerm();
    if (message instanceof AppendEntries request) {
      node.send(message.from(), AppendEntriesResponse.staleTerm(term, node.id(), request.prevLogIndex()));
    } else if (message instanceof RequestVote) {
      node.send(message.from(), new RequestVoteResponse(term, node.id(), false));
    } else if (message instanceof PreVote) {
      node.send(message.from(), new PreVoteResponse(term, node.id(), false));
    } else if (message instanceof InstallSnapshot chunk) {
      node.send(message.from(), new InstallSnapshotResponse(term, node.id(), chunk.meta().lastIndex(), 0, false));
    } else if (message instanceof ReadIndexRequest request) {
      node.send(message.from(), new ReadIndexResponse(term, node.id(), request.requestId(), 0, false));
    }
  }

  /** Hands a message of the current term to the role it is for. */
  private String dispatch(Message message) {
    RoleState role = node.roleState();
    if (message instanceof AppendEntries request) {
      if (role instanceof Leader) {
        return "a second leader: this node leads term " + node.currentTerm();
      }
      if (!(role instanceof Follower)) {
        node.becomeFollower(node.currentTerm(), request.from()); // Figure 2, Candidates: a new leader exists
      }
      return ((Follower) node.roleState()).handle(request);
    }
    if (message instanceof AppendEntriesResponse response) {
      return role instanceof Leader leader ? leader.handle(response) : null;
    }
    if (message instanceof InstallSnapshot chunk) {
      if (role instanceof Leader) {
        return "a second leader: this node leads term " + node.currentTerm();
      }
      if (!(role instanceof Follower)) {
        node.becomeFollower(node.currentTerm(), chunk.from());
      }
      return ((Follower) node.roleState()).handle(chunk);
    }
    if (message instanceof InstallSnapshotResponse response) {
      return role instanceof Leader leader ? leader.handle(response) : null;
    }
    String read = dispatchRead(message, role);
    if (read != null) {
      return read.isEmpty() ? null : read;
    }
    if (message instanceof TimeoutNow request) {
      if (role instanceof Leader) {
        return "a second leader: this node leads term " + node.currentTerm();
      }
      return role instanceof Follower follower ? follower.handle(request) : null; // a candidate campaigns already
    }
    if (message instanceof RequestVote request) {
      voter.handle(request);
    } else if (message instanceof PreVote request) {
      voter.handle(request);
    } else if (message instanceof RequestVoteResponse response) {
      if (role instanceof Candidate candidate) {
        candidate.handle(response);
      } // else: an answer to a round this node no longer runs
    } else if (message instanceof PreVoteResponse response) {
      if (role instanceof Candidate candidate) {
        candidate.handle(response);
      }
    } else {
      // Message is sealed and every kind is handled above: a new kind must be added here, not dropped.
      throw new IllegalStateException(node.id() + ": no handler for a " + message.getClass().getSimpleName());
    }
    return null;
  }
}

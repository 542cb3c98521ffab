package io.keel.raft.protocol;

import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import java.util.List;

/**
 * The checks a message must pass before it may touch any state, whatever the node's role: who may
 * send, which terms can exist, and what a message of the current term or a later one cannot
 * contradict. Each check names the rule a correct peer never breaks; the role handlers add the
 * checks that depend on the role ({@link Follower}: one leader per term; {@link Leader}: answers
 * only to what it sent).
 */
final class MessageChecks {

  /**
   * The largest term a message may carry. A correct cluster gains a term per election, each costing
   * at least one fsync, so it never comes near; a peer claiming more would leave this node unable
   * to campaign ({@code term + 1} would overflow).
   */
  static final long MAX_TERM = 1L << 62;

  private final RaftNode<?> node;
  private final RaftLog log;

  MessageChecks(RaftNode<?> node, RaftLog log) {
    this.node = node;
    this.log = log;
  }

  /** Why no correct peer could send {@code message} to this node now, or null if one could. */
  String impossibility(Message message) {
    if (message.from().equals(node.id())) {
      return "it claims to come from this node itself";
    }
    if (message.term() > MAX_TERM) {
      return "term " + message.term() + " is beyond the largest possible, " + MAX_TERM;
    }
    if (message instanceof AppendEntries request) {
      return request.term() >= node.currentTerm() ? contradictsCommitted(request) : null;
    }
    if (message instanceof InstallSnapshot chunk) {
      return impossibility(chunk);
    }
    if (message instanceof InstallSnapshotResponse response && response.term() > node.currentTerm()
        && (response.done() || response.position() > 0)) {
      return "an answer about a snapshot in term " + response.term() + " to this node, which never led it (term "
          + node.currentTerm() + ")";
    }
    if (message instanceof RequestVote request && request.lastLogTerm() >= request.term()) {
      return "a candidate for term " + request.term() + " cannot hold entries of term " + request.lastLogTerm();
    }
    if (message instanceof PreVote request && request.lastLogTerm() >= request.term()) {
      return "a pre-candidate for term " + request.term() + " cannot hold entries of term " + request.lastLogTerm();
    }
    if (message instanceof PreVoteResponse response && response.granted()
        && response.term() > node.currentTerm() + 1) {
      return "a pre-vote granted for term " + response.term() + ", which this node (term "
          + node.currentTerm() + ") never asked for";
    }
    if (message instanceof RequestVoteResponse response && response.granted()
        && response.term() > node.currentTerm()) {
      return "a vote granted in term " + response.term() + ", in which this node (term "
          + node.currentTerm() + ") never campaigned";
    }
    if (message instanceof AppendEntriesResponse response && response.success()
        && response.term() > node.currentTerm()) {
      return "an acknowledgement in term " + response.term() + " to this node, which never led it (term "
          + node.currentTerm() + ")";
    }
    return null;
  }

  /**
   * A snapshot holds committed entries only, of terms up to its leader's; a leader of this node's term or a later one cannot send one that contradicts an entry
   * this node knows committed.
   */
  private String impossibility(InstallSnapshot chunk) {
    long index = chunk.meta().lastIndex();
    long term = chunk.meta().lastTerm();
    if (term > chunk.term()) {
      return "a leader of term " + chunk.term() + " cannot hold a snapshot ending in term " + term;
    }
    if (chunk.term() >= node.currentTerm() && index <= node.commitIndex() && isHeld(index) && log.term(index) != term) {
      return "a snapshot ending at " + index + "@" + term + " contradicts committed entry " + index + "@"
          + log.term(index) + " (commit index " + node.commitIndex() + ")";
    }
    return null;
  }

  /**
   * A leader of this node's term or a later one holds every entry this node knows committed
   * (Leader Completeness, §5.4.3), so neither its consistency check nor its entries may contradict
   * one.
   */
  private String contradictsCommitted(AppendEntries request) {
    long commitIndex = node.commitIndex();
    long prevIndex = request.prevLogIndex();
    if (prevIndex <= commitIndex && isHeld(prevIndex) && log.term(prevIndex) != request.prevLogTerm()) {
      return "its check " + prevIndex + "@" + request.prevLogTerm() + " contradicts committed entry "
          + prevIndex + "@" + log.term(prevIndex) + " (commit index " + commitIndex + ")";
    }
    for (LogEntry entry : request.entries()) {
      if (entry.index() > commitIndex) {
        break;
      }
      if (isHeld(entry.index()) && log.term(entry.index()) != entry.term()) {
        return "entry " + entry.index() + "@" + entry.term() + " contradicts committed entry "
            + entry.index() + "@" + log.term(entry.index()) + " (commit index " + commitIndex + ")";
      }
    }
    return null;
  }

  /** Whether this node knows the term at {@code index}: it holds the entry, or it is the log's start. */
  private boolean isHeld(long index) {
    return index >= log.firstIndex() - 1 && index <= log.lastIndex();
  }
}

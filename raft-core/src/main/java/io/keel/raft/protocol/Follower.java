package io.keel.raft.protocol;

import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.LeadershipCheck;
import io.keel.raft.message.LeadershipCheckResponse;
import io.keel.raft.message.TimeoutNow;
import java.util.List;

/**
 * A follower: accepts the leader's entries after the consistency check, acknowledges them once
 * they are durable, and starts an election when it stops hearing from a leader.
 *
 * <p>Invariant: it acknowledges only indexes that are both durable and verified against the current
 * leader's log ({@code verifiedIndex}), so an acknowledged index never covers a stale entry.
 */
final class Follower extends RoleState {

  private final RaftNode<?> node;
  private final RaftLog log;
  private final Snapshots snapshots;
  private long electionDeadlineNanos;
  /** The highest index known to match the leader of this term. */
  private long verifiedIndex;
  /** The highest index acknowledged to the leader of this term. */
  private long acknowledgedIndex;

  Follower(RaftNode<?> node, RaftLog log, long electionDeadlineNanos) {
    this.node = node;
    this.log = log;
    this.snapshots = node.snapshots();
    this.electionDeadlineNanos = electionDeadlineNanos;
  }

  @Override
  Role role() {
    return Role.FOLLOWER;
  }

  @Override
  long deadlineNanos() {
    return electionDeadlineNanos;
  }

  /** Figure 2, Followers: the election timeout elapsed without hearing from a leader or voting. */
  @Override
  void onDeadline() {
    node.elections().onTimeout();
  }

  void resetElectionTimer() {
    electionDeadlineNanos = node.elections().randomDeadline();
  }

  /**
   * Handles an AppendEntries of the current term (Figure 2, "AppendEntries RPC", receiver rules).
   *
   * @return why the request is impossible (a second leader in the term), or null
   */
  String handle(AppendEntries request) {
    String impossibility = secondLeader(request.from());
    if (impossibility == null) {
      impossibility = contradictsVerified(request);
    }
    if (impossibility != null) {
      return impossibility;
    }
    node.heardFromLeader(request.from());
    resetElectionTimer();
    long prevIndex = request.prevLogIndex();
    if (prevIndex > log.lastIndex()) {
      reject(request, 0, log.lastIndex() + 1);
      return null;
    }
    // Entries the log compacted away were committed, so the leader holds them too (§5.4.3).
    if (prevIndex >= log.firstIndex() - 1 && !log.matches(prevIndex, request.prevLogTerm())) {
      long conflictTerm = log.term(prevIndex);
      reject(request, conflictTerm, log.firstIndexOfTerm(conflictTerm, prevIndex));
      return null;
    }
    appendNewEntries(request.entries());
    verifiedIndex = Math.max(verifiedIndex, request.lastIndex());
    if (request.leaderCommit() > node.commitIndex()) {
      node.commitTo(Math.min(request.leaderCommit(), request.lastIndex()));
    }
    long acknowledgeable = acknowledgeableIndex();
    if (acknowledgeable >= request.lastIndex()) {
      acknowledge(acknowledgeable);
    }
    // Otherwise the entries are not durable yet: onLogDurable acknowledges them.
    return null;
  }

  /**
   * Handles a chunk of the snapshot the leader of the current term sends (Figure 13, receiver
   * rules, with chunks at offsets).
   *
   * @return why the chunk is impossible (a second leader in the term), or null
   */
  String handle(InstallSnapshot chunk) {
    String impossibility = secondLeader(chunk.from());
    if (impossibility != null) {
      return impossibility;
    }
    node.heardFromLeader(chunk.from());
    resetElectionTimer();
    snapshots.onChunk(chunk);
    return null;
  }

  /**
   * The leader of the current term hands leadership to this node (thesis §3.10): it campaigns at
   * once, if it is a voter.
   *
   * @return why the message is impossible (a second leader in the term), or null
   */
  String handle(TimeoutNow request) {
    String impossibility = secondLeader(request.from());
    if (impossibility == null) {
      node.elections().onTimeoutNow();
    }
    return impossibility;
  }

  /**
   * The leader of the current term checks that it still leads, to serve reads: this node follows
   * it, so it answers, and counts the check as word from its leader.
   *
   * @return why the message is impossible (a second leader in the term), or null
   */
  String handle(LeadershipCheck check) {
    String impossibility = secondLeader(check.from());
    if (impossibility == null) {
      node.heardFromLeader(check.from());
      resetElectionTimer();
      node.send(check.from(), new LeadershipCheckResponse(node.currentTerm(), node.id(), check.round()));
    }
    return impossibility;
  }

  private String secondLeader(NodeId from) {
    NodeId leader = node.leaderId();
    return leader != null && !leader.equals(from)
        ? "a second leader in term " + node.currentTerm() + ": this node follows " + leader : null;
  }

  @Override
  void onLogDurable() {
    long acknowledgeable = acknowledgeableIndex();
    if (acknowledgeable > acknowledgedIndex && node.leaderId() != null) {
      acknowledge(acknowledgeable);
    }
  }

  /**
   * A leader's log only grows while it leads, so nothing it sends may contradict the entries this
   * follower has already verified against it in this term (and may have acknowledged).
   */
  private String contradictsVerified(AppendEntries request) {
    long prevIndex = request.prevLogIndex();
    if (prevIndex <= verifiedIndex && prevIndex >= log.firstIndex() - 1 && prevIndex <= log.lastIndex()
        && !log.matches(prevIndex, request.prevLogTerm())) {
      return "its check " + prevIndex + "@" + request.prevLogTerm() + " contradicts entry " + prevIndex + "@"
          + log.term(prevIndex) + ", which the same leader sent before in term " + node.currentTerm();
    }
    for (LogEntry entry : request.entries()) {
      if (entry.index() > verifiedIndex) {
        break;
      }
      if (entry.index() >= log.firstIndex() && entry.index() <= log.lastIndex() && log.term(entry.index()) != entry.term()) {
        return "entry " + entry.index() + "@" + entry.term() + " contradicts entry " + entry.index() + "@"
            + log.term(entry.index()) + ", which the same leader sent before in term " + node.currentTerm();
      }
    }
    return null;
  }

  private long acknowledgeableIndex() {
    return Math.min(log.durableIndex(), verifiedIndex);
  }

  private void acknowledge(long index) {
    acknowledgedIndex = Math.max(acknowledgedIndex, index);
    node.send(node.leaderId(), AppendEntriesResponse.accepted(node.currentTerm(), node.id(), index));
  }

  private void reject(AppendEntries request, long conflictTerm, long conflictIndex) {
    node.send(request.from(), AppendEntriesResponse.rejected(
        node.currentTerm(), node.id(), request.prevLogIndex(), conflictTerm, conflictIndex));
  }

  /**
   * Skips entries already held, truncates at the first conflict, appends the rest. A stale or
   * duplicated request that only repeats held entries changes nothing.
   */
  private void appendNewEntries(List<LogEntry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      LogEntry entry = entries.get(i);
      if (entry.index() < log.firstIndex()) {
        continue; // compacted: committed, so the same entry (MessageChecks refuses another at the log's start)
      }
      if (entry.index() > log.lastIndex()) {
        // All new (the usual case): hand over the message's own immutable list, which the store
        // can keep without copying, rather than a view of it.
        log.append(i == 0 ? entries : entries.subList(i, entries.size()));
        return;
      }
      if (log.term(entry.index()) != entry.term()) {
        if (entry.index() <= node.commitIndex()) {
          // MessageChecks refuses such a request before it gets here.
          throw new IllegalStateException(node.id() + ": leader " + node.leaderId() + " sent "
              + entry + " conflicting with committed entry " + entry.index() + "@"
              + log.term(entry.index()) + " (commit index " + node.commitIndex() + ")");
        }
        log.truncateSuffix(entry.index());
        log.append(entries.subList(i, entries.size()));
        return;
      }
    }
  }

  @Override
  void checkInvariants() {
    if (acknowledgedIndex > verifiedIndex) {
      throw new IllegalStateException(node.id() + ": acknowledged " + acknowledgedIndex
          + " beyond verified " + verifiedIndex);
    }
    if (acknowledgedIndex > log.durableIndex()) {
      throw new IllegalStateException(node.id() + ": acknowledged " + acknowledgedIndex
          + " beyond durable " + log.durableIndex());
    }
  }
}

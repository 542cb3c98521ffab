package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.message.TimeoutNow;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The leader of a term: appends proposals to its log, replicates them to each follower through that
 * follower's {@link Progress}, commits by majority, sends heartbeats, and steps down if it stops
 * hearing from a majority (CheckQuorum). A follower that needs entries compacted away gets the
 * newest snapshot instead ({@link SnapshotTransfer}).
 *
 * <p>It counts itself towards a majority only for entries its own store reported durable, so its
 * disk write overlaps replication; and it commits by counting replicas only entries of its own term
 * (Raft paper §5.4.2). It replicates to every member of the configuration in force, learners
 * included, and counts by it ({@link LeaderQuorum}); its {@link MembershipChanges} change that
 * configuration, and a {@link LeadershipTransfer} hands leadership over.
 */
final class Leader extends RoleState {

  private final RaftNode<?> node;
  private final RaftLog log;
  private final RaftConfig config;
  private final long heartbeatIntervalNanos;
  private final Snapshots snapshots;
  private final Map<NodeId, Progress> progress = new LinkedHashMap<>();
  private final LeaderQuorum quorum = new LeaderQuorum();
  /** The highest index sent in this term to each follower no longer replicated to: its answers may still come. */
  private final Map<NodeId, Long> retiredSentUpTo = new HashMap<>();
  private final MembershipChanges changes;
  private long heartbeatDeadlineNanos;

  Leader(RaftNode<?> node, RaftLog log, RaftConfig config, Snapshots snapshots) {
    this.node = node;
    this.snapshots = snapshots;
    this.log = log;
    this.config = config;
    this.heartbeatIntervalNanos = config.heartbeatInterval().toNanos();
    this.changes = new MembershipChanges(node, this, log, config);
    syncMembers();
  }

  @Override
  Role role() {
    return Role.LEADER;
  }

  @Override
  long deadlineNanos() {
    return heartbeatDeadlineNanos;
  }

  /**
   * Takes office: appends a no-op entry of the new term, whose commit commits everything before it
   * (thesis §6.4), and sends it to every follower at once (Figure 2, Leaders: "upon election").
   */
  void start() {
    log.append(List.of(LogEntry.noOp(log.lastIndex() + 1, node.currentTerm())));
    heartbeatDeadlineNanos = node.nowNanos() + heartbeatIntervalNanos;
    for (Progress follower : progress.values()) {
      sendAppend(follower);
    }
    maybeCommit();
  }

  /** The leader's membership changes. */
  MembershipChanges changes() {
    return changes;
  }

  /**
   * Replicates to exactly the members of the configuration in force and the nodes catching up for
   * a change: a new one starts probing from the end of the log, a removed one is dropped.
   */
  void syncMembers() {
    Configuration configuration = log.configurations().latest();
    Set<NodeId> wanted = new TreeSet<>(configuration.members());
    wanted.addAll(changes.catchingUp());
    wanted.remove(node.id());
    progress.entrySet().removeIf(entry -> {
      boolean removed = !wanted.contains(entry.getKey());
      if (removed) {
        entry.getValue().closeTransfer();
        retiredSentUpTo.put(entry.getKey(), entry.getValue().sentUpTo());
      }
      return removed;
    });
    List<Progress> added = new ArrayList<>();
    for (NodeId member : wanted) {
      if (!progress.containsKey(member)) {
        Progress follower = new Progress(member, log.lastIndex() + 1, config.maxInflightAppends(), node.nowNanos());
        follower.sentBefore(retiredSentUpTo.getOrDefault(member, 0L)); // removed and added again in this term
        progress.put(member, follower);
        added.add(follower);
      }
    }
    quorum.use(configuration, node.id(), progress);
    if (heartbeatDeadlineNanos != 0) {
      added.forEach(this::sendAppend); // a probe; start() sends the first ones of the term
    }
  }

  /** Appends {@code configuration}, which takes effect at once, and replicates it. */
  void appendConfiguration(Configuration configuration) {
    log.append(List.of(LogEntry.configuration(log.lastIndex() + 1, node.currentTerm(), configuration)));
    syncMembers();
    for (Progress follower : progress.values()) {
      sendAppends(follower);
    }
  }

  /** The voter other than this node whose log is the most up to date (the first in id order on a tie); null if none. */
  NodeId mostUpToDateVoter() {
    NodeId best = null;
    for (NodeId voter : log.configurations().latest().voters()) {
      if (!voter.equals(node.id()) && (best == null || matchIndexOf(voter) > matchIndexOf(best))) {
        best = voter;
      }
    }
    return best;
  }

  /**
   * Whether {@code member} has acknowledged an append in this term and is at most {@code lag}
   * entries behind this leader's log.
   */
  boolean isCaughtUp(NodeId member, long lag) {
    Progress follower = progress.get(member);
    return follower != null && follower.state() == Progress.State.REPLICATE
        && follower.matchIndex() >= log.lastIndex() - lag;
  }

  /** The match index of {@code member}; -1 if it is not replicated to. */
  long matchIndexOf(NodeId member) {
    Progress follower = progress.get(member);
    return follower == null ? -1 : follower.matchIndex();
  }

  /** Appends client commands to the log and starts replicating them; returns the first index. */
  long appendCommands(List<byte[]> commands) {
    long term = node.currentTerm();
    long index = log.lastIndex();
    List<LogEntry> entries = new ArrayList<>(commands.size());
    for (byte[] command : commands) {
      entries.add(LogEntry.command(++index, term, command));
    }
    log.append(entries);
    for (Progress follower : progress.values()) {
      sendAppends(follower);
    }
    return index - commands.size() + 1;
  }

  /** Heartbeat interval elapsed: check the quorum, resend what seems lost, and send heartbeats. */
  @Override
  void onDeadline() {
    long now = node.nowNanos();
    heartbeatDeadlineNanos = now + heartbeatIntervalNanos;
    if (config.checkQuorum() && !quorum.heardFromQuorum(now, node.elections().timeoutMinNanos())) {
      node.elections().stepDown("CheckQuorum: no quorum of " + quorum.configuration() + " was heard from within the minimum "
          + "election timeout, " + node.elections().timeoutMinNanos() / 1_000_000 + " ms");
      return;
    }
    changes.onProgress();
    if (!isCurrent()) {
      return;
    }
    sendTimeoutNowIfReady();
    node.reads().onHeartbeat();
    for (Progress follower : progress.values()) {
      if (follower.hasStalledAppend(now, node.elections().timeoutMinNanos())) {
        follower.becomeProbe();
      }
      if (follower.state() == Progress.State.SNAPSHOT) {
        SnapshotTransfer transfer = follower.transfer();
        transfer.onInterval(now, heartbeatIntervalNanos);
        if (transfer.isStuck(now, node.elections().timeoutMinNanos()) && hasNewerSnapshot(transfer)) {
          // A transfer stuck for an election timeout, of a snapshot since replaced, starts over
          // with the newest; one that makes progress goes on, however slowly, so that snapshots
          // taken often cannot keep a follower from ever finishing one.
          follower.becomeProbe();
          startSnapshot(follower);
        } else if (sendChunks(follower) == 0) {
          // Nothing to send: a probe stands in for the heartbeat, as the follower writes or installs.
          node.send(follower.peer(), follower.transfer().probe(node.currentTerm(), node.id()));
        }
      } else if (follower.state() == Progress.State.PROBE) {
        // A heartbeat, checked at what the follower is known to hold, is answered at once, where a
        // probe that carries entries is answered only once they are durable: a follower whose disk
        // is slower than the election timeout still counts as heard (CheckQuorum). Its answer
        // sends the probe again (handle), in case the last one was lost.
        if (!sendHeartbeat(follower)) {
          follower.allowProbe();
          sendAppend(follower);
        }
      } else {
        sendHeartbeat(follower);
        sendAppends(follower);
      }
    }
  }

  @Override
  void onLogDurable() {
    maybeCommit();
  }

  /** Whether this node still leads through this role (a commit can depose it). */
  private boolean isCurrent() {
    return node.roleState() == this;
  }

  /** Hands leadership over once the transfer's target holds the whole log (thesis §3.10). */
  void sendTimeoutNowIfReady() {
    NodeId target = node.membership().transferTarget();
    Progress follower = target == null ? null : progress.get(target);
    if (follower != null && follower.matchIndex() == log.lastIndex()) {
      node.reads().onTransferBegun();
      node.send(target, new TimeoutNow(node.currentTerm(), node.id()));
    }
  }

  /**
   * Handles a follower's answer of the current term.
   *
   * @return why the answer is impossible (it answers nothing this leader sent), or null
   */
  String handle(AppendEntriesResponse response) {
    Progress follower = progress.get(response.from());
    if (response.isStaleTermAnswer() || follower == null) {
      return null; // it answers an append of an earlier term, or comes from a node no longer replicated to
    }
    String impossibility = impossibility(response, follower.sentUpTo());
    if (impossibility != null) {
      return impossibility;
    }
    follower.heardAt(node.nowNanos());
    if (response.success()) {
      if (follower.onAccepted(response.matchIndex())) {
        maybeCommit();
        if (!isCurrent()) {
          return null;
        }
        changes.onProgress();
        if (response.from().equals(node.membership().transferTarget())) {
          sendTimeoutNowIfReady();
        }
      }
      if (follower.state() == Progress.State.PROBE) {
        follower.allowProbe(); // a heartbeat's answer: the probe goes again, in case it was lost
      }
      if (follower.state() == Progress.State.SNAPSHOT && follower.matchIndex() >= log.firstIndex() - 1) {
        follower.snapshotDone(follower.matchIndex()); // an earlier append got there: the log can go on
      }
    } else if (!follower.onRejected(response.matchIndex(), resumeIndex(response))) {
      return null;
    }
    sendAppends(follower);
    if (follower.state() == Progress.State.PROBE && !follower.isPaused() && follower.matchIndex() < log.lastIndex()) {
      sendAppend(follower); // a probe at the log's end: nothing new to send, but the follower lags
    }
    return null;
  }

  /**
   * Why no follower could answer this leader with {@code response}, given that no append sent to it
   * in this term reached beyond {@code sentUpTo}; null if one could. The leader's log does not
   * change below its last index while it leads, so the term it sent at any index is still known.
   */
  private String impossibility(AppendEntriesResponse response, long sentUpTo) {
    long index = response.matchIndex();
    if (index > sentUpTo) {
      return (response.success() ? "acknowledged" : "rejected the check at") + " index " + index
          + ", beyond the highest index sent to it in term " + node.currentTerm() + ", " + sentUpTo;
    }
    if (response.success()) {
      return null;
    }
    if (index == 0) {
      return "rejected the check at index 0, which always matches";
    }
    if (response.conflictIndex() < 1 || response.conflictIndex() > index) {
      return "a conflict hint at index " + response.conflictIndex() + ", outside [1, " + index + "]";
    }
    if (response.conflictTerm() > node.currentTerm()) {
      return "a conflicting entry of term " + response.conflictTerm() + ", beyond the current term "
          + node.currentTerm();
    }
    if (response.conflictTerm() != 0 && index >= log.firstIndex() - 1
        && log.term(index) == response.conflictTerm()) {
      return "rejected the check at index " + index + " while holding the leader's own term there, "
          + response.conflictTerm();
    }
    return null;
  }

  /**
   * Where to resume after a rejection, from the follower's hint: past the leader's last entry of
   * the follower's conflicting term if the leader has that term, else before the follower's whole
   * run of it (Raft paper §5.3, the optimization at the end).
   */
  private long resumeIndex(AppendEntriesResponse response) {
    if (response.conflictTerm() == 0) {
      return response.conflictIndex();
    }
    long rejected = Math.min(response.matchIndex(), log.lastIndex());
    long candidate = log.lastIndexWithTermAtMost(response.conflictTerm(), rejected);
    if (log.term(candidate) == response.conflictTerm()) {
      return candidate + 1;
    }
    return Math.min(response.conflictIndex(), candidate + 1);
  }

  /**
   * Handles a follower's answer about the snapshot being sent to it.
   *
   * @return why the answer is impossible, or null
   */
  String handle(InstallSnapshotResponse response) {
    Progress follower = progress.get(response.from());
    if (follower == null) {
      return null; // from a node no longer replicated to
    }
    SnapshotTransfer transfer = follower.transfer();
    if (transfer == null || transfer.snapshotIndex() != response.snapshotIndex()) {
      follower.heardAt(node.nowNanos());
      return null; // an answer about a transfer that has ended, or another leader's
    }
    if (response.position() > transfer.info().sizeBytes()) {
      return "holds " + response.position() + " bytes of snapshot " + transfer.info() + ", which has fewer";
    }
    follower.heardAt(node.nowNanos());
    transfer.onPosition(response.position(), node.nowNanos());
    if (response.done()) {
      follower.snapshotDone(response.snapshotIndex());
      snapshots.countSent();
      sendAppend(follower);
    } else {
      sendChunks(follower);
    }
    return null;
  }

  /** Streams appends to a follower until its window is full or it has everything. */
  private void sendAppends(Progress follower) {
    while (!follower.isPaused() && follower.nextIndex() <= log.lastIndex()) {
      sendAppend(follower);
    }
  }

  /** Sends one AppendEntries from the follower's next index (a heartbeat if there is nothing new). */
  private void sendAppend(Progress follower) {
    if (follower.nextIndex() < log.firstIndex()) {
      startSnapshot(follower);
      return;
    }
    long prevIndex = follower.nextIndex() - 1;
    List<LogEntry> entries = log.entriesFrom(
        follower.nextIndex(), config.maxEntriesPerAppend(), config.maxBytesPerAppend());
    node.send(follower.peer(), new AppendEntries(node.currentTerm(), node.id(), prevIndex,
        log.term(prevIndex), entries, node.commitIndex()));
    follower.onAppendSent(prevIndex + entries.size(), node.nowNanos());
  }

  /**
   * The follower needs entries before the log's start: sends it the newest snapshot. If there is
   * none to read now, the leader tries again after a heartbeat interval.
   */
  private void startSnapshot(Progress follower) {
    SnapshotInfo latest = snapshots.latest().orElse(null);
    SnapshotSource source = latest == null ? null : snapshots.open(latest);
    if (source == null) {
      follower.pauseProbe();
      return;
    }
    follower.becomeSnapshot(new SnapshotTransfer(latest, source, config.snapshotChunkBytes(),
        config.maxInflightSnapshotChunks(), node.nowNanos()));
    sendChunks(follower);
  }

  private boolean hasNewerSnapshot(SnapshotTransfer transfer) {
    return snapshots.latest().map(latest -> latest.lastIndex() > transfer.snapshotIndex()).orElse(false);
  }

  /** Sends the chunks of the follower's snapshot that its window allows; returns how many. */
  private int sendChunks(Progress follower) {
    List<InstallSnapshot> chunks;
    try {
      chunks = follower.transfer().nextChunks(node.currentTerm(), node.id());
    } catch (IOException e) {
      snapshots.countFailure(e);
      follower.pauseProbe();
      return -1;
    }
    for (InstallSnapshot chunk : chunks) {
      node.send(follower.peer(), chunk);
    }
    return chunks.size();
  }

  /**
   * A heartbeat checked against the follower's match index, which it is known to hold, so that it
   * cannot fail while appends are in flight; its answer also recovers a lost acknowledgement.
   * When the log no longer holds the match index, the appends in flight stand in for heartbeats
   * (if they were lost, the follower is probed, and gets a snapshot).
   *
   * @return whether a heartbeat was sent
   */
  private boolean sendHeartbeat(Progress follower) {
    long matchIndex = follower.matchIndex();
    if (matchIndex < log.firstIndex() - 1) {
      return false;
    }
    node.send(follower.peer(), new AppendEntries(node.currentTerm(), node.id(), matchIndex,
        log.term(matchIndex), List.of(), node.commitIndex()));
    return true;
  }

  /**
   * Figure 2, Leaders: commit the highest index a quorum of the configuration in force holds, if it
   * is of this term; then let the membership changes act on it, which may depose this leader.
   */
  private void maybeCommit() {
    long quorumIndex = quorum.committedIndex(log.durableIndex());
    if (quorumIndex > node.commitIndex() && log.term(quorumIndex) == node.currentTerm()) {
      node.commitTo(quorumIndex);
      node.reads().onCommit();
      changes.onCommit();
    }
  }

  /** Each follower's durable match index, in peer order. */
  Map<NodeId, Long> matchIndexes() {
    Map<NodeId, Long> matches = new LinkedHashMap<>();
    progress.forEach((peer, follower) -> matches.put(peer, follower.matchIndex()));
    return matches;
  }

  Progress progressOf(NodeId peer) {
    return progress.get(peer);
  }

  /** The node stops leading: releases the snapshots being sent, and fails a change not yet begun. */
  @Override
  void exit() {
    for (Progress follower : progress.values()) {
      follower.closeTransfer();
    }
    changes.onLeadershipLost();
    node.reads().onLeadershipLost();
  }

  @Override
  void checkInvariants() {
    for (Progress follower : progress.values()) {
      follower.checkInvariants(log.lastIndex());
    }
    if (log.term(log.lastIndex()) != node.currentTerm()) {
      throw new IllegalStateException(node.id() + ": leader's last entry is not of its term");
    }
  }
}

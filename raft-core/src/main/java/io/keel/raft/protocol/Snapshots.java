package io.keel.raft.protocol;

import io.keel.raft.RaftConfig;
import io.keel.raft.SnapshotReceiver;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSource;
import io.keel.raft.snapshot.SnapshotStore;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's snapshots, as the protocol sees them: the newest one it holds (which a leader sends to
 * followers that need compacted entries), the compaction of the log behind it, and a snapshot being
 * received from the leader and installed (Raft paper §7, Figure 13).
 *
 * <p>The driver tells it what happens to snapshots: one it took ({@link #onTaken}), and, through
 * the {@link SnapshotReceiver} it gave the node, how much of a received one it holds
 * ({@link #onChunkStored}) and when it installed one ({@link #onInstalled}) or failed to
 * ({@link #onInstallFailed}). Like the node's other events, these come on the node's thread, and
 * are ignored once the node has stopped.
 *
 * <p>A follower asked for a snapshot that its log or state machine already reach answers at once
 * that it is done. Otherwise it passes each chunk to the receiver, answers the leader with the
 * position the receiver reports, and, once the receiver holds every byte, has it install the
 * snapshot; meanwhile no committed entry is handed out to apply. Once installed, the log is
 * compacted as Figure 13 says: the entries after the snapshot are kept only if the log holds its
 * last entry; otherwise the whole log is discarded.
 */
public final class Snapshots {

  private final RaftNode<?> node;
  private final RaftLog log;
  private final CommitQueue<?> commits;
  private final SnapshotStore store;
  private final SnapshotReceiver receiver;
  private final long trailingEntries;
  private final int window;
  private SnapshotInfo latest;
  /** The snapshot being received; null if none. */
  private SnapshotReceipt receiving;
  /** The snapshot the receiver is installing, if any. */
  private SnapshotMeta installing;
  private long sent;
  private long installed;
  private long failures;
  private Exception lastFailure;

  Snapshots(RaftNode<?> node, RaftLog log, CommitQueue<?> commits, SnapshotStore store, SnapshotReceiver receiver,
      RaftConfig config) {
    this.node = node;
    this.log = log;
    this.commits = commits;
    this.store = store;
    this.receiver = receiver;
    this.trailingEntries = config.snapshotTrailingEntries();
    this.window = config.maxInflightSnapshotChunks();
    this.latest = store == null ? null : store.latest().orElse(null);
  }

  /**
   * When a node starts: a snapshot installed from a leader may be durable while the compaction of
   * the log behind it was lost in a crash, so the log is compacted again as Figure 13 says if it
   * does not hold the snapshot's last entry. Returns the index known committed: the snapshot's.
   */
  static long recoverLog(RaftLog log, SnapshotStore store) {
    SnapshotInfo latest = store == null ? null : store.latest().orElse(null);
    if (latest == null) {
      return 0;
    }
    SnapshotMeta meta = latest.meta();
    if (meta.lastIndex() >= log.firstIndex() && !log.matches(meta.lastIndex(), meta.lastTerm())) {
      log.compactBehindSnapshot(meta.lastIndex(), meta.lastTerm(), meta.configuration());
    }
    return log.matches(meta.lastIndex(), meta.lastTerm()) ? meta.lastIndex() : 0;
  }

  // ---------------------------------------------------------------- the driver's reports

  /**
   * The driver took a snapshot of the state machine, and it is durable in the store: it becomes
   * the one sent to followers, and the log is compacted up to {@link io.keel.raft.RaftConfig#snapshotTrailingEntries()}
   * entries behind it (never past the commit index).
   */
  public void onTaken(SnapshotInfo info) {
    Objects.requireNonNull(info, "info");
    if (stopped()) {
      return;
    }
    if (info.lastIndex() > commits.appliedIndex()) {
      throw new IllegalArgumentException(node.id() + ": snapshot " + info + " stands for entries beyond the applied index "
          + commits.appliedIndex());
    }
    if (latest == null || info.lastIndex() > latest.lastIndex()) {
      latest = info;
    }
    long compactTo = Math.min(info.lastIndex() - trailingEntries, commits.commitIndex());
    if (compactTo > log.firstIndex() - 1 && compactTo <= log.lastIndex()) {
      log.compactPrefix(compactTo, log.term(compactTo));
    }
  }

  /**
   * The receiver holds {@code position} bytes of the snapshot standing for {@code meta} (after a
   * {@link SnapshotReceiver#store}). The node answers the leader with it, and once every byte is
   * held, has the receiver install the snapshot.
   */
  public void onChunkStored(SnapshotMeta meta, long position) {
    if (stopped() || receiving == null || !receiving.meta().equals(meta) || installing != null) {
      return; // a report on a transfer since abandoned
    }
    if (position < 0 || position > receiving.size()) {
      throw new IllegalArgumentException(node.id() + ": the receiver holds " + position + " bytes of " + meta
          + ", whose size is " + receiving.size());
    }
    receiving.onStored(position);
    if (position == receiving.size() && isCovered(meta)) {
      // The log got there meanwhile (a new leader, a late append): installing would go back.
      receiving = null;
      answerLeader(meta.lastIndex(), position, true);
      return;
    }
    if (position == receiving.size()) {
      installing = meta;
      commits.pauseForInstall();
      receiver.install(meta);
    }
    answerLeader(meta.lastIndex(), position, false);
  }

  /**
   * The receiver installed the snapshot {@code info} and restored the state machine from it: the
   * state machine has applied every entry through its last index. The log is compacted as Figure
   * 13 says, and the node goes on from there.
   *
   * @throws IllegalArgumentException if the node did not ask for this install
   */
  public void onInstalled(SnapshotInfo info) {
    if (stopped()) {
      return;
    }
    if (installing == null || !installing.equals(info.meta())) {
      throw new IllegalArgumentException(node.id() + ": installed " + info + ", but the node is installing "
          + installing);
    }
    installing = null;
    receiving = null;
    installed++;
    if (latest == null || info.lastIndex() > latest.lastIndex()) {
      latest = info;
    }
    long index = info.lastIndex();
    if (index > log.firstIndex() - 1) {
      log.compactBehindSnapshot(index, info.meta().lastTerm(), info.meta().configuration());
    }
    commits.onSnapshotInstalled(index);
    node.reads().onApplied(commits.appliedIndex());
    answerLeader(index, info.sizeBytes(), true);
  }

  /**
   * Storing a chunk of, or installing, the snapshot standing for {@code meta} failed: the node
   * forgets the transfer, and starts over with the leader's next chunk (a receiver that discarded
   * a damaged payload reports position 0, and the leader sends from there).
   */
  public void onInstallFailed(SnapshotMeta meta, Exception cause) {
    if (stopped() || receiving == null || !receiving.meta().equals(meta)) {
      return;
    }
    failures++;
    lastFailure = cause;
    if (installing != null) {
      installing = null;
      commits.resumeAfterInstall();
    }
    receiving = null;
  }

  // ---------------------------------------------------------------- queries

  /** The newest snapshot the node holds, which it would send as leader. */
  public Optional<SnapshotInfo> latest() {
    return Optional.ofNullable(latest);
  }

  /** How many snapshot transfers this node completed as leader. */
  public long sent() {
    return sent;
  }

  /** How many snapshots this node installed from a leader. */
  public long installed() {
    return installed;
  }

  /** How many transfers failed here: a snapshot that could not be read, stored or installed. */
  public long failures() {
    return failures;
  }

  /** The last failure counted in {@link #failures()}, if any. */
  public Optional<Exception> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /** The snapshot this node is receiving from its leader, if any (also while installing it). */
  public Optional<SnapshotMeta> receiving() {
    return receiving == null ? Optional.empty() : Optional.of(receiving.meta());
  }

  /** Whether the receiver is installing a snapshot: no committed entry is handed out meanwhile. */
  public boolean isInstalling() {
    return installing != null;
  }

  // ---------------------------------------------------------------- used by the roles

  /**
   * A chunk from the leader of the current term (the follower has checked that it is the
   * leader). Answered at once if this node needs nothing of the snapshot, or already holds the
   * chunk; otherwise passed to the receiver, whose report the node answers, as far as the
   * {@link SnapshotReceipt} allows.
   */
  void onChunk(InstallSnapshot chunk) {
    SnapshotMeta meta = chunk.meta();
    if (isCovered(meta)) {
      answerLeader(meta.lastIndex(), chunk.size(), true); // Figure 13, 6: the log already holds it
      return;
    }
    if (receiver == null) {
      // This node's own setup is wrong, not its leader: counted, and the chunk left unanswered.
      countFailure(new IllegalStateException(node.id() + " needs snapshot " + meta
          + " from its leader but was built without a snapshot store and receiver"));
      return;
    }
    if (installing != null) {
      answerLeader(meta.lastIndex(), installing.equals(meta) ? chunk.size() : 0, false);
      return;
    }
    if (receiving == null || !receiving.isOf(chunk)) {
      receiving = new SnapshotReceipt(chunk, window);
    }
    switch (receiving.offer(chunk)) {
      case STORE -> receiver.store(chunk);
      case ANSWER -> answerLeader(meta.lastIndex(), receiving.held(), false);
      case DROP -> { }
    }
  }

  /** Whether this node needs nothing of the snapshot: its state machine or its log reach it. */
  private boolean isCovered(SnapshotMeta meta) {
    return meta.lastIndex() <= commits.handedOutIndex() || log.matches(meta.lastIndex(), meta.lastTerm());
  }

  /** Opens {@code info} to send it; null (the failure counted) if it cannot be read now. */
  SnapshotSource open(SnapshotInfo info) {
    try {
      return store.open(info);
    } catch (IOException | RuntimeException e) {
      countFailure(e);
      return null;
    }
  }

  void countSent() {
    sent++;
  }

  void countFailure(Exception cause) {
    failures++;
    lastFailure = cause;
  }

  private void answerLeader(long snapshotIndex, long position, boolean done) {
    if (node.role() == Role.FOLLOWER && node.leaderId() != null) {
      node.send(node.leaderId(), new InstallSnapshotResponse(node.currentTerm(), node.id(), snapshotIndex, position,
          done));
    }
  }

  private boolean stopped() {
    return node.role() == Role.FAILED;
  }

  void checkInvariants() {
    if (installing != null && (receiving == null || !receiving.meta().equals(installing))) {
      throw new IllegalStateException(node.id() + ": installing " + installing + " while receiving "
          + (receiving == null ? "nothing" : receiving.meta()));
    }
    if (receiving != null) {
      receiving.checkInvariants();
    }
    if (latest != null && latest.lastIndex() < log.firstIndex() - 1) {
      throw new IllegalStateException(node.id() + ": the log starts after " + (log.firstIndex() - 1)
          + ", beyond the newest snapshot " + latest);
    }
  }
}

package io.keel.raft.protocol;

import io.keel.raft.NodeId;

/**
 * A leader's view of one follower's log, and every transition of it (etcd calls this Progress).
 *
 * <p>In {@link State#PROBE} the leader does not know where the follower's log matches its own: it
 * sends one AppendEntries at a time and backs off on rejection. Once an append succeeds it moves to
 * {@link State#REPLICATE}, where it streams appends optimistically, up to the in-flight window.
 * When the follower needs an entry the leader has compacted away, it moves to
 * {@link State#SNAPSHOT} and the leader streams it the snapshot ({@link SnapshotTransfer}), sending
 * no appends until the follower is done with it; then it probes from the snapshot's last index.
 *
 * <p>Invariants: {@code matchIndex < nextIndex}; in PROBE nothing is counted in flight.
 */
final class Progress {

  /** How the leader is replicating to the follower. */
  enum State {
    PROBE,
    REPLICATE,
    SNAPSHOT
  }

  private final NodeId peer;
  private final Inflights inflights;
  private State state = State.PROBE;
  private long matchIndex;
  private long nextIndex;
  private boolean probeSent;
  private long lastHeardNanos;
  /** The highest index any AppendEntries sent to the follower in this term reached: no answer names more. */
  private long sentUpTo;
  /** The snapshot being sent, in {@link State#SNAPSHOT}; null otherwise. */
  private SnapshotTransfer transfer;

  Progress(NodeId peer, long nextIndex, int maxInflightAppends, long nowNanos) {
    this.peer = peer;
    this.nextIndex = nextIndex;
    this.inflights = new Inflights(maxInflightAppends);
    this.lastHeardNanos = nowNanos;
  }

  NodeId peer() {
    return peer;
  }

  State state() {
    return state;
  }

  long matchIndex() {
    return matchIndex;
  }

  long nextIndex() {
    return nextIndex;
  }

  long lastHeardNanos() {
    return lastHeardNanos;
  }

  long sentUpTo() {
    return sentUpTo;
  }

  /**
   * An earlier progress of the same follower in this term sent appends up to {@code index}: the
   * answers to them may still arrive.
   */
  void sentBefore(long index) {
    sentUpTo = Math.max(sentUpTo, index);
  }

  int inflightCount() {
    return inflights.size();
  }

  /** The follower said something in the current term. */
  void heardAt(long nowNanos) {
    lastHeardNanos = Math.max(lastHeardNanos, nowNanos);
  }

  SnapshotTransfer transfer() {
    return transfer;
  }

  /** Whether the leader must wait before sending this follower another append. */
  boolean isPaused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.isFull();
      case SNAPSHOT -> true;
    };
  }

  /** Sending no append until a heartbeat interval passes: the snapshot the follower needs cannot be read now. */
  void pauseProbe() {
    becomeProbe();
    probeSent = true;
  }

  /** The follower needs entries the leader compacted: the leader sends it a snapshot instead. */
  void becomeSnapshot(SnapshotTransfer snapshot) {
    state = State.SNAPSHOT;
    probeSent = false;
    inflights.clear();
    transfer = snapshot;
  }

  /**
   * The follower needs nothing more of the snapshot ending at {@code snapshotIndex}: the leader
   * probes from there, by log.
   */
  void snapshotDone(long snapshotIndex) {
    closeTransfer();
    state = State.PROBE;
    nextIndex = Math.max(matchIndex, snapshotIndex) + 1;
    probeSent = false;
  }

  /** Releases the snapshot being sent, if any (the leader steps down, or the transfer ended). */
  void closeTransfer() {
    if (transfer != null) {
      transfer.close();
      transfer = null;
    }
  }

  /**
   * Records an append sent whose last entry is {@code lastIndex} (its prevLogIndex for a heartbeat).
   */
  void onAppendSent(long lastIndex, long nowNanos) {
    sentUpTo = Math.max(sentUpTo, lastIndex);
    if (state == State.PROBE) {
      probeSent = true;
      return;
    }
    if (lastIndex >= nextIndex) {
      nextIndex = lastIndex + 1;
      inflights.add(lastIndex, nowNanos);
    }
  }

  /**
   * The follower matches, durably, up to {@code index}.
   *
   * @return whether the match index advanced
   */
  boolean onAccepted(long index) {
    boolean advanced = index > matchIndex;
    if (advanced) {
      matchIndex = index;
      inflights.freeUpTo(index);
    }
    if (state == State.PROBE) {
      if (matchIndex >= nextIndex - 1) {
        becomeReplicate();
      }
    } else if (nextIndex <= matchIndex) { // in REPLICATE, or an earlier append answered during a snapshot
      nextIndex = matchIndex + 1;
    }
    return advanced;
  }

  /**
   * The follower rejected an append whose prevLogIndex was {@code rejectedIndex}; the leader
   * computed from the follower's hint that it may resume at {@code hintIndex}.
   *
   * @return false if the rejection was stale (an answer to an append already superseded, or at an
   *     index the follower has since acknowledged)
   */
  boolean onRejected(long rejectedIndex, long hintIndex) {
    if (rejectedIndex <= matchIndex || state == State.SNAPSHOT) {
      // The follower acknowledged this index in this term, so the rejection is a late duplicate (or
      // a lie). Answering it with another append would let duplicates feed an endless exchange.
      // While a snapshot is sent, it answers an append sent before: the snapshot goes on.
      return false;
    }
    if (state == State.REPLICATE) {
      becomeProbe();
    } else if (rejectedIndex != nextIndex - 1) {
      return false;
    }
    nextIndex = Math.max(matchIndex + 1, Math.min(rejectedIndex, hintIndex));
    probeSent = false;
    return true;
  }

  /**
   * Whether an append has gone unacknowledged for {@code timeoutNanos}: it, or its answer, was
   * probably lost, and the leader should probe again rather than wait forever.
   */
  boolean hasStalledAppend(long nowNanos, long timeoutNanos) {
    return state == State.REPLICATE
        && !inflights.isEmpty()
        && nowNanos - inflights.oldestSentNanos() >= timeoutNanos;
  }

  /** A heartbeat interval passed: a probe may be sent again even if the last one was not answered. */
  void allowProbe() {
    probeSent = false;
  }

  void becomeProbe() {
    closeTransfer();
    state = State.PROBE;
    nextIndex = matchIndex + 1;
    probeSent = false;
    inflights.clear();
  }

  private void becomeReplicate() {
    state = State.REPLICATE;
    nextIndex = matchIndex + 1;
    probeSent = false;
    inflights.clear();
  }

  /** Fails loudly if the progress is inconsistent with a leader log ending at {@code lastIndex}. */
  void checkInvariants(long leaderLastIndex) {
    if (matchIndex >= nextIndex) {
      throw new IllegalStateException(peer + ": matchIndex " + matchIndex + " >= nextIndex " + nextIndex);
    }
    if (matchIndex > leaderLastIndex || nextIndex > leaderLastIndex + 1) {
      throw new IllegalStateException(peer + ": match " + matchIndex + " / next " + nextIndex
          + " beyond the leader's last index " + leaderLastIndex);
    }
    if (state != State.REPLICATE && !inflights.isEmpty()) {
      throw new IllegalStateException(peer + ": in-flight appends counted in " + state);
    }
    if ((state == State.SNAPSHOT) != (transfer != null)) {
      throw new IllegalStateException(peer + ": in " + state + " with " + (transfer == null ? "no" : "a")
          + " snapshot transfer");
    }
    if (transfer != null) {
      transfer.checkInvariants();
    }
  }

  @Override
  public String toString() {
    return peer + "{" + state + " match=" + matchIndex + " next=" + nextIndex
        + " inflight=" + inflights.size() + (probeSent ? " probeSent" : "")
        + (transfer != null ? " " + transfer : "") + "}";
  }
}

package io.keel.sim;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.Transport;
import io.keel.raft.protocol.CommittedEntry;
import io.keel.raft.protocol.ImpossibleMessage;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.snapshot.InMemorySnapshotStore;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One node of the simulated cluster: the real {@link RaftNode}, its {@link SimulatedDisk}, its
 * drifting clock and its state machine. A crash loses the node's volatile state (the node object
 * and its state machine) and the disk's unsynced writes; a restart builds a new node on what the
 * disk kept, with a fresh state machine that re-applies the committed log.
 *
 * @param <R> the state machine's result type
 */
public final class SimulatedNode<R> {

  /** Sees every command a node's state machine applies, with its result, and every message it refuses. */
  interface Observer {
    void applied(int node, long index, long attemptId, Object result);

    void refused(int node, ImpossibleMessage impossible);
  }

  private final int number;
  private final NodeId id;
  private final List<NodeId> voters;
  private final RaftConfig config;
  private final Supplier<? extends StateMachine<R>> stateMachines;
  private final Transport transport;
  private final SimulatedDisk disk;
  private final NodeClock clock;
  private final long seed;
  private final Observer observer;
  private RaftNode<R> node;
  private StateMachine<R> stateMachine;
  /** What this incarnation's state machine sees: the user's, observed by the checkers. */
  private StateMachine<R> observedStateMachine;
  /** Committed entries handed out by the node and not yet applied: the apply thread's queue. */
  private final ArrayDeque<CommittedEntry<R>> toApply = new ArrayDeque<>();
  /** Whether an apply event is scheduled for this incarnation. */
  private boolean applyScheduled;
  /** Whether the state machine keeps its state across crashes (as if it stored each apply atomically). */
  private final boolean persistentStateMachine;
  /** The last index the state machine applied, which a persistent one reports on restart. */
  private long stateMachineApplied;
  /** The node's snapshots, which survive its crashes; taken every {@link #snapshotEvery} entries, 0 for never. */
  private InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
  private final long snapshotEvery;
  private long appliedSinceSnapshot;
  private int snapshotsTaken;
  /** The snapshot being written, if any; a crash loses it. */
  private PendingSnapshot pendingSnapshot;
  private int snapshotsRestored;
  private int snapshotsInterrupted;
  private boolean crashed;
  private long pausedUntilNanos;
  private int incarnation;

  SimulatedNode(int number, List<NodeId> voters, RaftConfig config, Supplier<? extends StateMachine<R>> stateMachines,
      boolean persistentStateMachine, long snapshotEvery, Transport transport, SimulatedDisk disk, NodeClock clock,
      long seed, Observer observer) {
    this.persistentStateMachine = persistentStateMachine;
    this.snapshotEvery = snapshotEvery;
    this.number = number;
    this.id = voters.get(number - 1);
    this.voters = voters;
    this.config = config;
    this.stateMachines = stateMachines;
    this.transport = transport;
    this.disk = disk;
    this.clock = clock;
    this.seed = seed;
    this.observer = observer;
    disk.listener(new Listener());
  }

  /** Builds the Raft node on what the disk holds, at true time {@code nowNanos}. */
  void start(long nowNanos) {
    if (stateMachine == null || !persistentStateMachine) {
      StateMachine<R> fresh = stateMachines.get();
      stateMachine = fresh;
      stateMachineApplied = 0;
      observedStateMachine = (index, command) -> {
        long attemptId = Envelope.attemptId(command);
        R result = fresh.apply(index, Envelope.payload(command));
        observer.applied(number, index, attemptId, result);
        return result;
      };
    }
    toApply.clear();
    applyScheduled = false;
    restoreNewestSnapshot();
    node = RaftNode.<R>builder()
        .id(id)
        .voters(voters)
        .config(config)
        .logStore(disk)
        .transport(transport)
        .randomSeed(seed * 0x9E3779B97F4A7C15L + 31L * incarnation++)
        .appliedIndex(stateMachineApplied)
        .impossibleMessageListener(impossible -> observer.refused(number, impossible))
        .start(clock.localNanos(nowNanos));
    crashed = false;
  }

  /** The node's number, 1 for {@code n1}. */
  public int number() {
    return number;
  }

  /** The node's id. */
  public NodeId id() {
    return id;
  }

  /** The Raft node of the current incarnation; stale while the node is down. */
  public RaftNode<R> raft() {
    return node;
  }

  /** The node's disk. */
  public SimulatedDisk disk() {
    return disk;
  }

  /** The state machine of the node's current incarnation. */
  public StateMachine<R> stateMachine() {
    return stateMachine;
  }

  /** Whether the node is down. */
  public boolean isCrashed() {
    return crashed;
  }

  /** How many times the node has started. */
  public int incarnations() {
    return incarnation;
  }

  /** The node's own clock reading at simulated time {@code globalNanos}: drifted and jumped. */
  public long localNanos(long globalNanos) {
    return clock.localNanos(globalNanos);
  }

  NodeClock clock() {
    return clock;
  }

  long pausedUntilNanos() {
    return pausedUntilNanos;
  }

  void pauseUntil(long nanos) {
    pausedUntilNanos = Math.max(pausedUntilNanos, nanos);
  }

  void resume() {
    pausedUntilNanos = 0;
  }

  /**
   * Takes what the node has newly committed into the apply queue; true if the queue holds entries
   * and no apply event is scheduled for them yet (the caller schedules one).
   */
  boolean collectCommitted() {
    for (List<CommittedEntry<R>> batch = node.takeCommitted(); !batch.isEmpty(); batch = node.takeCommitted()) {
      toApply.addAll(batch);
    }
    if (toApply.isEmpty() || applyScheduled) {
      return false;
    }
    applyScheduled = true;
    return true;
  }

  /** The apply event came: applies everything queued, in order, and tells the node. */
  void applyQueued() {
    applyScheduled = false;
    long last = -1;
    long lastTerm = 0;
    while (!toApply.isEmpty()) {
      CommittedEntry<R> entry = toApply.pollFirst();
      entry.applyTo(observedStateMachine);
      last = entry.index();
      lastTerm = entry.entry().term();
      stateMachineApplied = last;
      appliedSinceSnapshot++;
    }
    if (last >= 0) {
      node.onApplied(last);
      if (snapshotEvery > 0 && appliedSinceSnapshot >= snapshotEvery) {
        takeSnapshot(last, lastTerm);
      }
    }
  }

  /**
   * Takes the state machine's view at {@code index}@{@code term}; writing it into the store takes
   * two later events ({@link #writeSnapshot}), as a snapshot thread would, and a crash in between
   * loses it, leaving the previous snapshot.
   */
  private void takeSnapshot(long index, long term) {
    if (pendingSnapshot != null
        || snapshots.latest().map(latest -> latest.lastIndex() >= index).orElse(false)) {
      return;
    }
    StateMachineSnapshot view = stateMachine.snapshot();
    if (view == null) {
      return;
    }
    appliedSinceSnapshot = 0;
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    try (view) {
      view.writeTo(payload); // the point-in-time view, taken now; the store sees it later
    } catch (IOException e) {
      throw new UncheckedIOException("the simulated state machine failed to write its snapshot", e);
    }
    pendingSnapshot = new PendingSnapshot(new SnapshotMeta(index, term, voters), payload.toByteArray());
  }

  /** Whether a snapshot is being written and waits for its next write event. */
  boolean snapshotWriting() {
    return pendingSnapshot != null;
  }

  /**
   * The snapshot thread's next step: the first call starts the file and writes the first half of
   * the payload, the second writes the rest and finishes it.
   */
  void writeSnapshot() {
    PendingSnapshot pending = pendingSnapshot;
    if (pending == null) {
      return;
    }
    int half = pending.payload.length / 2;
    try {
      if (pending.sink == null) {
        pending.sink = snapshots.create(pending.meta);
        pending.sink.stream().write(pending.payload, 0, half);
        return;
      }
      pending.sink.stream().write(pending.payload, half, pending.payload.length - half);
      pending.sink.finish();
      snapshotsTaken++;
      pendingSnapshot = null;
    } catch (IOException e) {
      throw new UncheckedIOException("the simulated snapshot store failed", e);
    }
  }

  /** A snapshot on its way into the store. */
  private static final class PendingSnapshot {
    final SnapshotMeta meta;
    final byte[] payload;
    SnapshotSink sink;

    PendingSnapshot(SnapshotMeta meta, byte[] payload) {
      this.meta = meta;
      this.payload = payload;
    }
  }

  /** On start: a state machine behind the newest snapshot is restored from it. */
  private void restoreNewestSnapshot() {
    Optional<SnapshotInfo> restored;
    try {
      restored = snapshots.restoreNewest(stateMachine, stateMachineApplied);
    } catch (IOException e) {
      throw new UncheckedIOException("the simulated snapshot store failed", e);
    }
    if (restored.isPresent()) {
      stateMachineApplied = restored.get().lastIndex();
      appliedSinceSnapshot = 0;
      snapshotsRestored++;
    }
  }

  /** How many snapshots the node has taken, and restored on a restart, over all its incarnations. */
  public int snapshotsTaken() {
    return snapshotsTaken;
  }

  public int snapshotsRestored() {
    return snapshotsRestored;
  }

  /** How many snapshots a crash interrupted while they were being written. */
  public int snapshotsInterrupted() {
    return snapshotsInterrupted;
  }

  void crash(boolean tearWrites) {
    crashed = true;
    pausedUntilNanos = 0;
    toApply.clear(); // the process died with its apply queue
    applyScheduled = false;
    snapshots = snapshots.crash(); // what a restarted node finds: every finished snapshot
    if (pendingSnapshot != null) {
      snapshotsInterrupted++;
      pendingSnapshot = null; // a restarted node finds the previous snapshot, not this one
    }
    disk.crash(tearWrites);
  }

  private final class Listener implements DurabilityListener {
    @Override
    public void logDurable(long sequence, long index, long term) {
      if (!crashed) {
        node.onLogDurable(sequence, index, term);
      }
    }

    @Override
    public void hardStateDurable(HardState state) {
      if (!crashed) {
        node.onHardStateDurable(state);
      }
    }

    @Override
    public void storageFailed(Exception cause) {
      if (!crashed) {
        node.onStorageFailure(cause);
      }
    }
  }
}

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
import io.keel.raft.protocol.RaftNodeBuilder;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSource;
import io.keel.sim.check.Checkers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
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

    /**
     * The node's state machine holds the state at {@code index}, whose contents digest to
     * {@code contentHash}: restored from a snapshot if {@code applies} (it applies only later
     * entries), or written into a snapshot it took.
     */
    void restored(int node, long index, long contentHash, boolean applies);

    /** The observer that hands all it sees to {@code checkers}. */
    static Observer of(Checkers checkers) {
      return new Observer() {
        @Override
        public void applied(int node, long index, long attemptId, Object result) {
          checkers.onApplied(node, index, attemptId, result);
        }

        @Override
        public void refused(int node, ImpossibleMessage impossible) {
          checkers.onImpossible(node, impossible);
        }

        @Override
        public void restored(int node, long index, long contentHash, boolean applies) {
          checkers.onRestored(node, index, contentHash, applies);
        }
      };
    }
  }

  private final int number;
  private final NodeId id;
  /** The voters the cluster was founded with; a node not among them starts as one that joins. */
  private final List<NodeId> founders;
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
  /** Whether the state machine keeps its state across crashes: what it flushed, or a little less ({@link FlushedStates}). */
  private final boolean persistentStateMachine;
  /** The last index the state machine applied, which a persistent one reports on restart. */
  private long stateMachineApplied;
  /** What a persistent state machine's store holds: the states it flushed, which a crash may take back. */
  private final FlushedStates flushedStates;
  /** The node's snapshots and its snapshot thread; the store survives its crashes. */
  private final NodeSnapshots snapshots;
  private boolean crashed;
  /** The last snapshot chunk stored. */
  private Receiving receiving;
  private long pausedUntilNanos;
  private int incarnation;

  SimulatedNode(int number, NodeId id, List<NodeId> founders, RaftConfig config, Supplier<? extends StateMachine<R>> stateMachines,
      boolean persistentStateMachine, long snapshotEvery, Transport transport, SimulatedDisk disk, NodeClock clock,
      long seed, Observer observer) {
    this.persistentStateMachine = persistentStateMachine;
    this.flushedStates = new FlushedStates(new SimRandom(seed ^ 0xF1A5F1A5F1A5L));
    this.snapshots = new NodeSnapshots(snapshotEvery, new SimRandom(seed ^ 0x5EED5EED5EEDL), () -> toApply.size());
    this.number = number;
    this.id = id;
    this.founders = founders;
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
    FlushedStates.Flushed held = persistentStateMachine ? flushedStates.held() : null;
    if (stateMachine == null || !persistentStateMachine || held != null) {
      StateMachine<R> fresh = stateMachines.get();
      stateMachine = fresh;
      stateMachineApplied = 0;
      observedStateMachine = (index, command) -> {
        long attemptId = Envelope.attemptId(command);
        R result = fresh.apply(index, Envelope.payload(command));
        observer.applied(number, index, attemptId, result);
        return result;
      };
      if (held != null) { // the persistent store reopens on the state it flushed last, or lost back to
        FlushedStates.restore(fresh, held);
        stateMachineApplied = held.index();
        observer.restored(number, held.index(), contentHash(), true);
      }
    }
    toApply.clear();
    applyScheduled = false;
    snapshots.restoreNewest(stateMachine, stateMachineApplied).ifPresent(restored -> {
      stateMachineApplied = restored.lastIndex();
      observer.restored(number, restored.lastIndex(), contentHash(), true);
      restoredStore(restored.lastIndex());
    });
    RaftNodeBuilder<R> builder = RaftNode.<R>builder().id(id);
    if (founders.contains(id)) {
      builder.voters(founders);
    } else {
      builder.join();
    }
    node = builder
        .config(config)
        .logStore(disk)
        .transport(transport)
        .randomSeed(seed * 0x9E3779B97F4A7C15L + 31L * incarnation++)
        .appliedIndex(stateMachineApplied)
        .snapshots(snapshots.store(), snapshots.receiver())
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
    applyFirst(Integer.MAX_VALUE);
  }

  /** Applies the first {@code limit} entries queued (all, if fewer), in order, and tells the node. */
  private void applyFirst(int limit) {
    long last = -1;
    long lastTerm = 0;
    int count = 0;
    while (!toApply.isEmpty() && count < limit) {
      CommittedEntry<R> entry = toApply.pollFirst();
      entry.applyTo(observedStateMachine);
      last = entry.index();
      lastTerm = entry.entry().term();
      stateMachineApplied = last;
      count++;
    }
    if (last >= 0) {
      stateMachine.flush(last);
      if (persistentStateMachine) {
        flushedStates.flushed(last, stateMachine);
      }
      node.onApplied(last);
      snapshots.onApplied(count, last, lastTerm, stateMachine, node.membership().configurationAt(last));
    }
  }

  /** The last index of the newest snapshot the node's store holds durably; 0 if none. */
  public long durableSnapshotIndex() {
    return snapshots.store().latest().map(SnapshotInfo::lastIndex).orElse(0L);
  }

  /** Whether the node's snapshot thread has work waiting for its next SNAPSHOT event. */
  boolean snapshotWorkWaiting() {
    return snapshots.hasWork();
  }

  /**
   * The snapshot thread's next step: a chunk of a snapshot from the leader to write, a received
   * snapshot to install (after the entries handed out before it), or a step of writing the
   * node's own snapshot. Each reports its outcome to the Raft node.
   */
  void snapshotStep() {
    InstallSnapshot chunk = snapshots.nextChunk();
    SnapshotMeta install = snapshots.nextInstall();
    try {
      if (chunk != null) {
        long position = snapshots.writeNextChunk();
        receiving = new Receiving(chunk.meta().lastIndex(), position);
        node.snapshots().onChunkStored(chunk.meta(), position);
      } else if (install != null) {
        // The apply thread runs the install where it was queued: after the entries handed out
        // before it; any handed out after it apply after the restore.
        applyFirst(snapshots.nextInstallAfter());
        SnapshotInfo info = snapshots.installNext(stateMachine);
        stateMachineApplied = info.lastIndex();
        observer.restored(number, info.lastIndex(), contentHash(), true);
        restoredStore(info.lastIndex());
        node.snapshots().onInstalled(info);
      } else {
        snapshots.writeOwnSnapshot().ifPresent(info -> {
          observer.restored(number, info.lastIndex(), contentHash(info), false);
          node.snapshots().onTaken(info);
        });
      }
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      if (chunk == null && install == null) {
        throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
      }
      snapshots.dropNext();
      node.snapshots().onInstallFailed(chunk != null ? chunk.meta() : install, e);
    }
  }

  /** A persistent state machine was restored from a snapshot at {@code index}: its store holds that state. */
  private void restoredStore(long index) {
    if (persistentStateMachine) {
      flushedStates.restored(index, stateMachine);
    }
  }

  /** How many flushed runs of applies crashes took back from the node's persistent state machine. */
  public int flushedRunsLost() {
    return flushedStates.lostRuns();
  }

  /** A digest of the state machine's contents now, from its snapshot; 0 if it takes none. */
  private long contentHash() {
    StateMachineSnapshot view = stateMachine.snapshot();
    return view == null ? 0 : Arrays.hashCode(NodeSnapshots.bytesOf(view));
  }

  /** A digest of the contents the stored snapshot {@code info} holds. */
  private long contentHash(SnapshotInfo info) {
    try (SnapshotSource source = snapshots.store().open(info); InputStream in = source.stream()) {
      return Arrays.hashCode(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("the simulated snapshot store failed", e);
    }
  }

  /** How many snapshots the node has taken, restored on a restart, and installed from a leader, over all its incarnations. */
  public int snapshotsTaken() {
    return snapshots.taken();
  }

  public int snapshotsRestored() {
    return snapshots.restored();
  }

  public int snapshotsInstalled() {
    return snapshots.installed();
  }

  /** How many bytes of a snapshot from the leader the node holds now, synced or not; 0 if it receives none. */
  public long snapshotBytesReceived() {
    return snapshots.receivedBytes();
  }

  /** Where the node's snapshot receipt stands: the snapshot's last index and the bytes stored of it. */
  public record Receiving(long snapshotIndex, long position) {}

  /** The last snapshot chunk this node stored, or null if none. */
  public Receiving receiving() {
    return receiving;
  }

  /** How many snapshot transfers resumed from bytes the node already held of the same snapshot. */
  public int snapshotsResumed() {
    return snapshots.resumed();
  }

  /** How many snapshots a crash interrupted while they were being written. */
  public int snapshotsInterrupted() {
    return snapshots.interrupted();
  }

  void crash(boolean tearWrites) {
    crashed = true;
    pausedUntilNanos = 0;
    toApply.clear(); // the process died with its apply queue
    applyScheduled = false;
    snapshots.crash(); // a restarted node finds every finished snapshot, and what was synced of a received one
    if (persistentStateMachine) {
      flushedStates.crash(); // its store may lose its last flushed runs, and say so by a lower applied index
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

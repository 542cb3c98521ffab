package io.keel.raft.runtime;

import io.keel.raft.Configuration;
import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.protocol.Snapshots;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotPolicy;
import io.keel.raft.snapshot.SnapshotSink;
import io.keel.raft.snapshot.SnapshotStore;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a group's snapshots. On the apply thread, after each batch, it counts what was applied
 * and, when the policy calls for it, takes the state machine's point-in-time view; a snapshot
 * thread writes the view into the store while applying goes on. One snapshot at a time: while one
 * is being written, the policy waits. A failed snapshot is logged and counted, and the next one
 * is tried when the policy next calls for it; applying never waits on a snapshot.
 */
final class Snapshotter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

  private final String name;
  private final SnapshotStore store;
  private final SnapshotPolicy policy;
  private final Executor writer;
  private final Consumer<SnapshotInfo> onTaken;
  private final Executor applier;
  private final AtomicBoolean writing = new AtomicBoolean();
  private final LongAdder taken = new LongAdder();
  private final LongAdder failed = new LongAdder();
  /** Apply thread only. */
  private long entriesSince;
  private long bytesSince;
  private boolean unsupported;
  /** When the last snapshot began, on the monotonic clock; 0 before the first. Apply thread only. */
  private long lastStartNanos;
  /**
   * The configuration at the applied index, which a snapshot records: set before the first apply,
   * then followed through the configuration entries applied and the snapshots installed. Apply
   * thread only.
   */
  private Configuration configuration = Configuration.NONE;
  /** The state machine and the last index and term applied, as of the last batch. Apply thread only. */
  private StateMachine<?> lastStateMachine;
  private long lastIndex;
  private long lastTerm;
  /** The loop's last status. */
  private SnapshotStatus lastStatus = SnapshotStatus.NONE;

  /**
   * @param writer the group's snapshot thread
   * @param applier the group's apply thread, where the policy is asked again once a snapshot is written
   * @param onTaken told, on the snapshot thread, of each snapshot written and durable
   */
  Snapshotter(String name, SnapshotStore store, SnapshotPolicy policy, Executor writer, Executor applier,
      Consumer<SnapshotInfo> onTaken) {
    this.name = name;
    this.applier = applier;
    this.onTaken = onTaken;
    this.store = store;
    this.policy = policy;
    this.writer = writer;
  }

  /**
   * On the starting thread, before any apply: restores {@code stateMachine} from the newest
   * snapshot if it is beyond what the state machine holds.
   *
   * @return the index the state machine holds afterwards
   */
  long restore(StateMachine<?> stateMachine, long appliedIndex) throws IOException {
    Optional<SnapshotInfo> restored = store.restoreNewest(stateMachine, appliedIndex);
    if (restored.isEmpty()) {
      return appliedIndex;
    }
    LOG.info("{}: restored the state machine from snapshot {} ({} bytes)", name, restored.get().meta(),
        restored.get().sizeBytes());
    return restored.get().lastIndex();
  }


  /** On the apply thread: {@code entries} entries of {@code bytes} command bytes were applied, up to {@code index}@{@code term}. */
  void afterApplied(StateMachine<?> stateMachine, long index, long term, long entries, long bytes) {
    entriesSince += entries;
    bytesSince += bytes;
    lastStateMachine = stateMachine;
    lastIndex = index;
    lastTerm = term;
    if (configuration.voters().isEmpty()) {
      return; // a joining node that has not yet applied the entry that added it: no snapshot can record it
    }
    if (unsupported || !policy.due(entriesSince, bytesSince) || writing.get()
        || (lastStartNanos != 0 && !policy.intervalElapsed(System.nanoTime() - lastStartNanos))) {
      return;
    }
    if (store.latest().map(latest -> latest.lastIndex() >= index).orElse(false)) {
      return; // the snapshot restored at start already stands for this index
    }
    StateMachineSnapshot view;
    try {
      view = stateMachine.snapshot();
    } catch (RuntimeException e) {
      failed.increment();
      entriesSince = 0; // tried again when the policy next calls for one, not after every batch
      bytesSince = 0;
      LOG.warn("{}: the state machine failed to take a snapshot at {}; applying goes on", name, index, e);
      return;
    }
    if (view == null) {
      unsupported = true;
      LOG.info("{}: the state machine takes no snapshots; the whole log is kept", name);
      return;
    }
    entriesSince = 0;
    bytesSince = 0;
    lastStartNanos = System.nanoTime();
    writing.set(true);
    SnapshotMeta meta = new SnapshotMeta(index, term, configuration);
    writer.execute(() -> write(meta, view));
  }

  private void write(SnapshotMeta meta, StateMachineSnapshot view) {
    SnapshotSink sink = null;
    try (view) {
      sink = store.create(meta);
      sink.writeFrom(view);
      SnapshotInfo info = sink.finish();
      taken.increment();
      LOG.debug("{}: snapshot {} written, {} bytes", name, info.meta(), info.sizeBytes());
      onTaken.accept(info);
    } catch (IOException | RuntimeException e) {
      failed.increment();
      LOG.warn("{}: writing snapshot {} failed; the log is kept and the next one is tried later", name, meta, e);
      abort(sink, e);
    } finally {
      writing.set(false);
      // A snapshot that fell due while this one was written waited for it: ask again, on the
      // apply thread, rather than only when the next batch is applied (there may be none).
      applier.execute(this::askAgain);
    }
  }

  /** On the apply thread: whether the policy calls for a snapshot of what is applied, with nothing newly applied. */
  private void askAgain() {
    if (lastStateMachine != null) {
      afterApplied(lastStateMachine, lastIndex, lastTerm, 0, 0);
    }
  }

  private static void abort(SnapshotSink sink, Exception cause) {
    if (sink != null) {
      try {
        sink.abort();
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }
  }

  /** On the apply thread: the state machine was restored from a snapshot received from the leader. */
  void afterInstalled(SnapshotInfo installed) {
    entriesSince = 0;
    bytesSince = 0;
    configuration = installed.meta().configuration();
  }

  /** Before the first apply: the configuration at the index the state machine starts from. */
  void startFrom(Configuration atStart) {
    configuration = atStart;
  }

  /** On the apply thread: a configuration entry was applied (in log order with the commands). */
  void onConfigurationApplied(Configuration applied) {
    configuration = applied;
  }

  /** The group's snapshot store. */
  SnapshotStore store() {
    return store;
  }

  /**
   * On the loop: the group's snapshot status, with the node's side from {@code snapshots}; made anew
   * only when something changed, since it is published after every burst of events.
   */
  SnapshotStatus status(Snapshots snapshots) {
    long latest = snapshots.latest().map(SnapshotInfo::lastIndex).orElse(0L);
    SnapshotStatus last = lastStatus;
    if (last.latestIndex() != latest || last.taken() != taken() || last.takeFailures() != failed()
        || last.sent() != snapshots.sent() || last.installed() != snapshots.installed()
        || last.transferFailures() != snapshots.failures()) {
      lastStatus = new SnapshotStatus(latest, taken(), failed(), snapshots.sent(), snapshots.installed(),
          snapshots.failures(), snapshots.lastFailure().map(Throwable::toString));
    }
    return lastStatus;
  }

  /** The newest snapshot in the store, if any. */
  Optional<SnapshotInfo> latest() {
    return store.latest();
  }

  /** Snapshots written, and snapshots that failed, since the group started. */
  long taken() {
    return taken.sum();
  }

  long failed() {
    return failed.sum();
  }

  @Override
  public void close() throws IOException {
    store.close();
  }
}

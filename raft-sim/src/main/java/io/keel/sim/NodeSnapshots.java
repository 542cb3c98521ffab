package io.keel.sim;

import io.keel.raft.Configuration;
import io.keel.raft.SnapshotReceiver;
import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.snapshot.CorruptSnapshotException;
import io.keel.raft.snapshot.InMemorySnapshotStore;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import io.keel.raft.snapshot.SnapshotSource;
import io.keel.raft.snapshot.SnapshotStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * A simulated node's snapshots, as its snapshot thread handles them: the store (which survives
 * the node's crashes, keeping what it made durable), the snapshots the node takes every
 * {@code snapshotEvery} applied entries, and the chunks and installs its {@link SnapshotReceiver}
 * is asked for. Each step of that work waits for a SNAPSHOT event, so a crash can come between
 * any two: a snapshot half written, a chunk written but not synced, an install not yet done.
 */
final class NodeSnapshots {

  /**
   * One piece of receiving work, in the order asked: a chunk to write, or a snapshot to install
   * after the first {@code applyFirst} entries of the apply queue (those queued when it was asked).
   */
  private record Work(InstallSnapshot chunk, SnapshotMeta install, int applyFirst) {}

  private final long snapshotEvery;
  private final SimRandom random;
  private InMemorySnapshotStore store = new InMemorySnapshotStore();
  private final ArrayDeque<Work> work = new ArrayDeque<>();
  private SnapshotSink receiveSink;
  /** The size and checksum of the snapshot {@link #receiveSink} receives. */
  private long receivingSize;
  private long receivingChecksum;
  private long appliedSinceSnapshot;
  /** The snapshot this node is writing, if any; a crash loses it. */
  private PendingSnapshot pending;
  private int taken;
  private int restored;
  private int interrupted;
  private int installed;
  private int resumed;

  private final IntSupplier applyQueueLength;

  /** @param applyQueueLength how many committed entries wait in the node's apply queue now */
  NodeSnapshots(long snapshotEvery, SimRandom random, IntSupplier applyQueueLength) {
    this.snapshotEvery = snapshotEvery;
    this.random = random;
    this.applyQueueLength = applyQueueLength;
  }

  SnapshotStore store() {
    return store;
  }

  /** The receiver the Raft node is given: it queues the work for the snapshot thread. */
  SnapshotReceiver receiver() {
    return new SnapshotReceiver() {
      @Override
      public void store(InstallSnapshot chunk) {
        work.addLast(new Work(chunk, null, 0));
      }

      @Override
      public void install(SnapshotMeta meta) {
        work.addLast(new Work(null, meta, applyQueueLength.getAsInt()));
      }
    };
  }

  /** Whether the snapshot thread has work waiting for its next event. */
  boolean hasWork() {
    return pending != null || !work.isEmpty();
  }

  /**
   * On start: a state machine behind the newest snapshot is restored from it.
   *
   * @return the snapshot restored, if any
   */
  Optional<SnapshotInfo> restoreNewest(StateMachine<?> stateMachine, long appliedIndex) {
    try {
      Optional<SnapshotInfo> restoredNow = store.restoreNewest(stateMachine, appliedIndex);
      if (restoredNow.isPresent()) {
        appliedSinceSnapshot = 0;
        restored++;
      }
      return restoredNow;
    } catch (IOException e) {
      throw new UncheckedIOException("the simulated snapshot store failed", e);
    }
  }

  /**
   * The state machine applied {@code count} entries, the last {@code index}@{@code term}, where the
   * configuration is {@code configuration}: takes its point-in-time view if a snapshot is due. Writing it into the store takes two later steps.
   */
  void onApplied(int count, long index, long term, StateMachine<?> stateMachine, Configuration configuration) {
    appliedSinceSnapshot += count;
    if (snapshotEvery == 0 || appliedSinceSnapshot < snapshotEvery || pending != null
        || configuration.voters().isEmpty() // a joining node that has not applied the entry that added it
        || store.latest().map(latest -> latest.lastIndex() >= index).orElse(false)) {
      return;
    }
    StateMachineSnapshot view = stateMachine.snapshot();
    if (view == null) {
      return;
    }
    appliedSinceSnapshot = 0;
    // The point-in-time view, written now; the store sees it later.
    pending = new PendingSnapshot(new SnapshotMeta(index, term, configuration), bytesOf(view));
  }

  /** What {@code view} writes, which it then closes. */
  static byte[] bytesOf(StateMachineSnapshot view) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (view) {
      view.writeTo(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("the simulated state machine failed to write its snapshot", e);
    }
    return bytes.toByteArray();
  }

  /** The receiving work to do next, if any comes before the node's own snapshot. */
  InstallSnapshot nextChunk() {
    return work.isEmpty() ? null : work.peekFirst().chunk();
  }

  /** How many queued entries apply before the install that is the next piece of work. */
  int nextInstallAfter() {
    return work.peekFirst().applyFirst();
  }

  /** The snapshot to install next, if that is the next piece of work. */
  SnapshotMeta nextInstall() {
    return work.isEmpty() ? null : work.peekFirst().install();
  }

  /**
   * Writes the next queued chunk into the snapshot being received (resuming a part of the same
   * snapshot kept from before, and making what it holds durable at random).
   *
   * @return how many payload bytes the store holds of it
   * @throws IOException if the store refuses the chunk or fails
   */
  long writeNextChunk() throws IOException {
    InstallSnapshot chunk = work.pollFirst().chunk();
    if (receiveSink == null || !receiveSink.meta().equals(chunk.meta()) || receivingSize != chunk.size()
        || receivingChecksum != chunk.checksum()) {
      receiveSink = store.receive(chunk.meta(), chunk.size(), chunk.checksum());
      receivingSize = chunk.size();
      receivingChecksum = chunk.checksum();
      if (receiveSink.position() > 0) {
        resumed++; // a part of the same snapshot survived a crash or an earlier transfer
      }
    }
    receiveSink.write(chunk.offset(), ByteBuffer.wrap(chunk.data()));
    if (random.chance(0.5)) {
      receiveSink.sync();
    }
    return receiveSink.position();
  }

  /**
   * Finishes the received snapshot (its checksum checked) and restores {@code stateMachine} from it.
   *
   * @throws IOException if the snapshot is damaged, or the store fails
   */
  SnapshotInfo installNext(StateMachine<?> stateMachine) throws IOException {
    SnapshotMeta meta = work.pollFirst().install();
    SnapshotSink sink = receiveSink;
    receiveSink = null;
    if (sink == null || !sink.meta().equals(meta)) {
      throw new IllegalStateException("asked to install " + meta + ", but the receiver holds "
          + (sink == null ? "nothing" : sink.meta()));
    }
    SnapshotInfo info;
    try {
      info = sink.finish();
    } catch (CorruptSnapshotException | IllegalStateException e) {
      sink.abort();
      throw e;
    }
    try (SnapshotSource source = store.open(info); InputStream in = source.stream()) {
      stateMachine.restore(info.lastIndex(), in);
    }
    appliedSinceSnapshot = 0;
    installed++;
    return info;
  }

  /** Drops the next piece of receiving work (it failed). */
  void dropNext() {
    work.pollFirst();
  }

  /**
   * The snapshot thread's next step of the node's own snapshot: the first call starts the store's
   * sink and writes the first half of the payload, the second writes the rest and finishes it.
   *
   * @return the snapshot installed by this step, if it finished one
   */
  Optional<SnapshotInfo> writeOwnSnapshot() {
    PendingSnapshot writing = pending;
    if (writing == null) {
      return Optional.empty();
    }
    int half = writing.payload.length / 2;
    try {
      if (writing.sink == null) {
        if (store.latest().map(latest -> latest.lastIndex() >= writing.meta.lastIndex()).orElse(false)) {
          pending = null; // a snapshot received from the leader got further meanwhile
          return Optional.empty();
        }
        writing.sink = store.create(writing.meta);
        writing.sink.stream().write(writing.payload, 0, half);
        return Optional.empty();
      }
      writing.sink.stream().write(writing.payload, half, writing.payload.length - half);
      pending = null;
      SnapshotInfo info = writing.sink.finish();
      taken++;
      return Optional.of(info);
    } catch (IllegalStateException e) {
      return Optional.empty(); // the store installed a newer snapshot meanwhile: this one is moot
    } catch (IOException e) {
      throw new UncheckedIOException("the simulated snapshot store failed", e);
    }
  }

  /** The node crashed: the snapshot thread's work is lost, and the store keeps what was durable. */
  void crash() {
    store = store.crash();
    receiveSink = null;
    work.clear();
    if (pending != null) {
      interrupted++;
      pending = null;
    }
  }

  int taken() {
    return taken;
  }

  int restored() {
    return restored;
  }

  int interrupted() {
    return interrupted;
  }

  int installed() {
    return installed;
  }

  /** How many bytes the snapshot being received holds (synced or not); 0 if none is. */
  long receivedBytes() {
    return receiveSink == null ? 0 : receiveSink.position();
  }

  int resumed() {
    return resumed;
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
}

package io.keel.raft.runtime;

import io.keel.raft.SnapshotReceiver;
import io.keel.raft.StateMachine;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import io.keel.raft.snapshot.SnapshotSource;
import io.keel.raft.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's {@link SnapshotReceiver}: writes the chunks a leader sends into the group's
 * snapshot store on the group's snapshot thread, and installs a received snapshot on its apply
 * thread, behind the committed entries already handed out there, so that the state machine is
 * restored exactly between the entries it applied before and those after.
 *
 * <p>What the receiver holds is made durable every {@link #SYNC_EVERY_BYTES} bytes, so a transfer
 * cut by a crash resumes near where it stopped; the whole snapshot is made durable, its checksum
 * checked, when it is installed. A payload that fails its checksum is discarded and the transfer
 * starts over; a state machine that fails to restore is in an unknown state, and the group stops.
 */
final class SnapshotInstaller implements SnapshotReceiver {

  /** How many bytes are received between syncs of a snapshot being received. */
  static final long SYNC_EVERY_BYTES = 64L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotInstaller.class);

  /** Where the outcomes go; each method may be called from any thread. */
  interface Reports {
    /** The store holds {@code position} bytes of the snapshot standing for {@code meta}. */
    void chunkStored(SnapshotMeta meta, long position);

    /** The state machine was restored from {@code info}, on the apply thread. */
    void installed(SnapshotInfo info);

    /** Receiving or installing the snapshot standing for {@code meta} failed; the state machine is untouched. */
    void failed(SnapshotMeta meta, Exception cause);

    /** Restoring the state machine failed midway: its state is unknown. */
    void stateMachineLost(Throwable cause);
  }

  private final String name;
  private final SnapshotStore store;
  private final StateMachine<?> stateMachine;
  private final Executor writer;
  private final Executor applier;
  private final Reports reports;
  /** The snapshot being received, and what it holds since its last sync; the writer thread's only. */
  private SnapshotSink sink;
  private Incoming receiving;
  private long unsyncedBytes;

  SnapshotInstaller(String name, SnapshotStore store, StateMachine<?> stateMachine, Executor writer, Executor applier,
      Reports reports) {
    this.name = name;
    this.store = store;
    this.stateMachine = stateMachine;
    this.writer = writer;
    this.applier = applier;
    this.reports = reports;
  }

  @Override
  public void store(InstallSnapshot chunk) {
    writer.execute(() -> write(chunk));
  }

  @Override
  public void install(SnapshotMeta meta) {
    // Through the writer, behind every chunk written, then to the apply thread, behind every entry handed out.
    writer.execute(() -> {
      SnapshotSink received = sink;
      sink = null;
      receiving = null;
      applier.execute(() -> finishAndRestore(received, meta));
    });
  }

  private void write(InstallSnapshot chunk) {
    try {
      if (sink == null || !sameSnapshot(receiving, chunk)) {
        close(sink);
        sink = store.receive(chunk.meta(), chunk.size(), chunk.checksum());
        receiving = Incoming.of(chunk);
        unsyncedBytes = 0;
        if (sink.position() > 0) {
          LOG.info("{}: resuming snapshot {} at byte {} of {}", name, chunk.meta(), sink.position(), chunk.size());
        }
      }
      long before = sink.position();
      sink.write(chunk.offset(), ByteBuffer.wrap(chunk.data()));
      unsyncedBytes += sink.position() - before;
      if (unsyncedBytes >= SYNC_EVERY_BYTES) {
        sink.sync();
        unsyncedBytes = 0;
      }
      reports.chunkStored(chunk.meta(), sink.position());
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: storing a chunk of snapshot {} failed; the transfer starts again", name, chunk.meta(), e);
      close(sink);
      sink = null;
      receiving = null;
      reports.failed(chunk.meta(), e);
    }
  }

  private void finishAndRestore(SnapshotSink received, SnapshotMeta meta) {
    if (received == null || !received.meta().equals(meta)) {
      reports.failed(meta, new IllegalStateException("no received snapshot " + meta + " to install"));
      return;
    }
    SnapshotInfo info;
    try {
      info = received.finish();
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: installing snapshot {} failed; the transfer starts again", name, meta, e);
      close(received);
      reports.failed(meta, e);
      return;
    }
    try (SnapshotSource source = store.open(info)) {
      source.restoreInto(stateMachine);
    } catch (IOException | RuntimeException e) {
      reports.stateMachineLost(e);
      return;
    }
    LOG.info("{}: installed snapshot {} ({} bytes) from the leader", name, info.meta(), info.sizeBytes());
    reports.installed(info);
  }

  private static boolean sameSnapshot(Incoming receiving, InstallSnapshot chunk) {
    return Incoming.of(chunk).equals(receiving);
  }

  /** The snapshot a sink receives: what it stands for, its size and its checksum. */
  private record Incoming(SnapshotMeta meta, long size, long checksum) {
    static Incoming of(InstallSnapshot chunk) {
      return new Incoming(chunk.meta(), chunk.size(), chunk.checksum());
    }
  }

  private void close(SnapshotSink open) {
    if (open == null) {
      return;
    }
    try {
      open.close(); // a received snapshot keeps what it holds, for a transfer of it to resume
    } catch (IOException e) {
      LOG.warn("{}: closing a received snapshot failed", name, e);
    }
  }
}

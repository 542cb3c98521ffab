package io.keel.raft.snapshot;

import io.keel.raft.StateMachine;
import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

/**
 * Where a node keeps its snapshots: the state machine's state at some applied index, with the
 * index, term and voters it stands for. The store holds at most one complete snapshot for the
 * node to use, the {@link #latest()}, and writes new ones without ever holding a payload whole in
 * memory:
 *
 * <ul>
 *   <li>{@link #create} for a snapshot this node takes: the state machine streams its state into
 *       the sink, and {@link SnapshotSink#finish()} installs it;
 *   <li>{@link #receive} for a snapshot the leader sends in chunks (InstallSnapshot): the chunks
 *       go into the sink at their offsets, {@link SnapshotSink#sync()} makes them durable, and
 *       the transfer resumes where it stopped after a lost chunk, a closed sink or a crash;
 *   <li>{@link #open} to read a stored snapshot, in chunks to send it or as a stream to restore
 *       a state machine from it.
 * </ul>
 *
 * <p>A snapshot is installed only whole and checked: a crash at any point leaves the previous
 * snapshot or the new one, and the new one replaces the previous only once it is durable. A
 * snapshot that is damaged is refused with a {@link CorruptSnapshotException} naming it, never
 * silently replaced by an older one (the log may already have been compacted past the older one).
 * A store only ever moves forward: a snapshot at or below the latest's index is refused.
 *
 * <p>The store's methods may be called from any thread; each sink is used by one thread at a time.
 */
public interface SnapshotStore extends Closeable {

  /** The newest complete, durable snapshot, if the store holds one. */
  Optional<SnapshotInfo> latest();

  /**
   * Starts a snapshot this node takes, standing for {@code meta}: write the payload to the sink's
   * {@link SnapshotSink#stream() stream}, then {@link SnapshotSink#finish() finish} it.
   *
   * @throws IllegalArgumentException if {@code meta} is at or below the latest snapshot's index
   * @throws IllegalStateException if a snapshot at the same index is already being created, or
   *     the store is closed
   * @throws IOException if the store cannot start writing the snapshot
   */
  SnapshotSink create(SnapshotMeta meta) throws IOException;

  /**
   * Starts or resumes a snapshot the leader sends: {@code meta}, {@code size} payload bytes whose
   * CRC-32C is {@code checksum}. If the store holds part of that same snapshot (same meta, size and
   * checksum), from an earlier sink or from before a crash, the sink resumes at the part's durable
   * end, its {@link SnapshotSink#position() position}; a part of any other snapshot is discarded.
   * A sink this store returned from an earlier {@code receive} and that is still open is closed
   * first (keeping what it holds): one snapshot is received at a time, so call this from the
   * thread that writes to the earlier sink.
   *
   * @throws IllegalArgumentException if {@code meta} is at or below the latest snapshot's index,
   *     {@code size} is negative or {@code checksum} not a 32-bit value
   * @throws IllegalStateException if the store is closed
   * @throws IOException if the store cannot start writing the snapshot
   */
  SnapshotSink receive(SnapshotMeta meta, long size, long checksum) throws IOException;

  /**
   * Opens a stored snapshot for reading. It stays readable until the source is closed, even after
   * a newer snapshot replaces it.
   *
   * @throws java.nio.file.NoSuchFileException if the store no longer holds {@code info}'s snapshot
   * @throws CorruptSnapshotException if the snapshot no longer reads back as {@code info} says
   * @throws IOException if it cannot be opened
   */
  SnapshotSource open(SnapshotInfo info) throws IOException;

  /**
   * Restores {@code stateMachine} from the newest snapshot if it stands for more than the
   * {@code appliedIndex} the state machine already holds (what a node does when it starts).
   *
   * @return the snapshot restored, or empty if there was none beyond {@code appliedIndex}
   * @throws IOException if the snapshot cannot be read or the state machine cannot restore it
   */
  default Optional<SnapshotInfo> restoreNewest(StateMachine<?> stateMachine, long appliedIndex) throws IOException {
    Optional<SnapshotInfo> latest = latest();
    if (latest.isEmpty() || latest.get().lastIndex() <= appliedIndex) {
      return Optional.empty();
    }
    try (SnapshotSource source = open(latest.get())) {
      source.restoreInto(stateMachine);
    }
    return latest;
  }
}

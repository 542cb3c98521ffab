package io.keel.raft.snapshot;

import io.keel.raft.StateMachineSnapshot;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A snapshot being written into a {@link SnapshotStore}: its payload goes in, in order, and
 * {@link #finish()} installs it as the store's {@link SnapshotStore#latest() latest} snapshot.
 * A sink comes from {@link SnapshotStore#create} (a snapshot this node takes: the state machine
 * writes to {@link #stream()}) or from {@link SnapshotStore#receive} (a snapshot the leader sends
 * in chunks: each goes through {@link #write(long, ByteBuffer)}). Both kinds accept both ways of
 * writing, and nothing a sink holds is installed or visible to readers before {@code finish()}.
 *
 * <p>A sink is used by one thread at a time. The payload is never held whole in memory: a sink
 * buffers a bounded number of bytes before it writes them out.
 *
 * <p>{@link #close()} releases a sink that was not finished: a created snapshot is discarded (it
 * cannot be resumed), a received one keeps what it holds, durably, for a later
 * {@link SnapshotStore#receive} of the same snapshot to resume. Closing a finished or aborted
 * sink does nothing.
 */
public interface SnapshotSink extends Closeable {

  /** The snapshot this sink writes. */
  SnapshotMeta meta();

  /**
   * How many payload bytes this sink holds: the offset at which the next chunk must start. A
   * sink just returned by {@code receive} holds the bytes a previous sink of the same snapshot
   * made durable (by {@link #sync()} or {@link #close()}), even across a crash of the process or
   * the machine; after a sink failed with an I/O error, what the disk still holds of them. A new
   * one holds none.
   */
  long position();

  /**
   * The payload as a stream, appending at {@link #position()}: what the state machine writes to
   * it is held as if written with {@link #write(long, ByteBuffer)} at the position. The same
   * stream is returned each time. Closing it only flushes it; it does not finish the sink.
   */
  OutputStream stream();

  /**
   * Writes a state machine's view as the payload: by default {@link StateMachineSnapshot#writeTo}
   * into {@link #stream()}. A store that keeps snapshots as directories may link the files of a
   * view that is a {@link StateMachineSnapshot#directory() directory} instead; the payload it
   * then reads out must be the same a stream-written one would be for that store.
   *
   * @throws IOException if the view cannot be written
   */
  default void writeFrom(StateMachineSnapshot view) throws IOException {
    view.writeTo(stream());
  }

  /**
   * Offers the chunk of payload bytes from {@code offset} to {@code offset + chunk.remaining()}.
   * What happens depends on where the chunk starts, so that chunks lost, duplicated or reordered
   * on the way cannot damage the payload:
   *
   * <ul>
   *   <li>at {@link #position()}: the chunk is appended, and {@code true} returned;
   *   <li>before it: the bytes already held are skipped (they are the same snapshot's, so the
   *       same bytes), any bytes after the position are appended, and {@code true} returned; a
   *       chunk wholly held changes nothing;
   *   <li>after it: the chunk is refused and {@code false} returned, and nothing changes: the
   *       sender should resend from {@code position()}.
   * </ul>
   *
   * <p>The chunk's bytes are consumed (its position moves to its limit) unless it is refused.
   * What is appended is not durable until {@link #sync()}.
   *
   * @return whether the sink now holds every byte up to the chunk's end
   * @throws IllegalArgumentException if {@code offset} is negative, or the chunk runs past the
   *     size a received snapshot declared
   * @throws IOException if the bytes cannot be written; the sink is then unusable
   */
  boolean write(long offset, ByteBuffer chunk) throws IOException;

  /**
   * Makes every byte held durable: a {@code receive} of the same snapshot after a crash resumes at
   * the position held when this call returned (or at a later one, if the sink was synced or closed
   * again). A created snapshot cannot be resumed; syncing it only forces what it wrote.
   *
   * @throws IOException if the bytes cannot be made durable; the sink is then unusable
   */
  void sync() throws IOException;

  /**
   * Completes the snapshot and installs it: it is durable, and the store's latest snapshot, when
   * this returns; older snapshots are removed after that (sources already open on them stay
   * readable). A received snapshot must hold exactly the size it declared, and the payload's
   * checksum must match the declared one; a created snapshot's size and checksum are computed here.
   *
   * @return the installed snapshot
   * @throws CorruptSnapshotException if a received payload's checksum does not match the declared
   *     one, naming where it was written; the payload is discarded, and a later {@code receive}
   *     starts over
   * @throws IllegalStateException if a received snapshot does not hold all its bytes yet (nothing
   *     is discarded), if the store installed a snapshot at or after this one's index meanwhile
   *     (this one is discarded), or if the sink was finished, aborted or closed
   * @throws IOException if the snapshot cannot be made durable; the store's latest snapshot is
   *     then still the previous one
   */
  SnapshotInfo finish() throws IOException;

  /** Discards everything this sink holds, even a received snapshot's durable part. Idempotent. */
  void abort() throws IOException;
}

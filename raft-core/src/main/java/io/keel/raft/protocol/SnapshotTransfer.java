package io.keel.raft.protocol;

import io.keel.raft.NodeId;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A leader sending one snapshot to one follower, chunk by chunk from the snapshot's source.
 *
 * <p>It starts with a probe (a chunk with no data), whose answer says how many bytes of this same
 * snapshot the follower already holds, from an earlier transfer or from before a crash; then it
 * streams chunks from there, keeping at most a window of bytes unanswered. Every answer names the
 * follower's position; a position behind an earlier one means the follower lost what it held (it
 * restarted), and the transfer goes back to it. Chunks lost on the way leave the follower's
 * position still: when an interval passes with no progress, the transfer resends from the
 * follower's position (go-back-N). While the follower installs the whole snapshot, a probe per
 * interval keeps it hearing from the leader.
 *
 * <p>Invariant: {@code acked <= sent <= size}, and {@code sent - acked} is at most the window.
 */
final class SnapshotTransfer implements AutoCloseable {

  private final SnapshotInfo info;
  private final SnapshotSource source;
  private final int chunkBytes;
  private final long windowBytes;
  /** How many bytes the follower said it holds; -1 until it answers the first probe. */
  private long acked = -1;
  /** Where the next chunk starts. */
  private long sent;
  private boolean probeSent;
  /** When the follower's position last advanced (or the transfer began). */
  private long lastAdvanceNanos;
  /** When the follower's position last advanced, or the transfer last went back to it. */
  private long lastProgressNanos;

  SnapshotTransfer(SnapshotInfo info, SnapshotSource source, int chunkBytes, int maxInflightChunks, long nowNanos) {
    this.info = info;
    this.source = source;
    this.chunkBytes = chunkBytes;
    this.windowBytes = (long) chunkBytes * maxInflightChunks;
    this.lastProgressNanos = nowNanos;
    this.lastAdvanceNanos = nowNanos;
  }

  SnapshotInfo info() {
    return info;
  }

  long snapshotIndex() {
    return info.lastIndex();
  }

  long acked() {
    return acked;
  }

  /** The follower holds {@code position} bytes of this snapshot, at most its size. */
  void onPosition(long position, long nowNanos) {
    if (acked < 0 || position < acked) {
      // The first answer, or the follower lost what it held: send from where it stands.
      acked = position;
      sent = position;
      lastProgressNanos = nowNanos;
      lastAdvanceNanos = nowNanos;
    } else if (position > acked) {
      acked = position;
      sent = Math.max(sent, position);
      lastProgressNanos = nowNanos;
      lastAdvanceNanos = nowNanos;
    }
  }

  /**
   * An interval passed: if the follower made no progress over it, goes back to its position and
   * probes again (the chunks or their answers were lost, or it is installing the snapshot).
   */
  void onInterval(long nowNanos, long intervalNanos) {
    if (nowNanos - lastProgressNanos >= intervalNanos) {
      sent = Math.max(acked, 0);
      probeSent = false;
      lastProgressNanos = nowNanos;
    }
  }

  /**
   * Whether the follower's position has not advanced for {@code timeoutNanos} while it still lacks
   * bytes: it is away, or cannot take the snapshot. (One that holds every byte is installing it.)
   */
  boolean isStuck(long nowNanos, long timeoutNanos) {
    return acked < info.sizeBytes() && nowNanos - lastAdvanceNanos >= timeoutNanos;
  }

  /**
   * The chunks to send now: a probe if the follower's position is unknown or it holds everything,
   * otherwise chunks from where the last one ended, as far as the window allows.
   *
   * @throws IOException if the snapshot cannot be read
   */
  List<InstallSnapshot> nextChunks(long term, NodeId leader) throws IOException {
    if (acked < 0 || acked >= info.sizeBytes()) {
      if (probeSent) {
        return List.of();
      }
      probeSent = true;
      return List.of(chunk(term, leader, Math.max(acked, 0), new byte[0]));
    }
    List<InstallSnapshot> chunks = new ArrayList<>();
    while (sent < info.sizeBytes() && sent - acked < windowBytes) {
      byte[] data = new byte[(int) Math.min(chunkBytes, info.sizeBytes() - sent)];
      readFully(sent, data);
      chunks.add(chunk(term, leader, sent, data));
      sent += data.length;
    }
    return chunks;
  }

  /** A chunk with no data at the follower's position: asks where it stands, and keeps it hearing from the leader. */
  InstallSnapshot probe(long term, NodeId leader) {
    return chunk(term, leader, Math.max(acked, 0), new byte[0]);
  }

  private void readFully(long offset, byte[] data) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(data);
    while (buffer.hasRemaining()) {
      int read = source.read(offset + buffer.position(), buffer);
      if (read < 0) {
        throw new IOException(info + " ends at " + (offset + buffer.position()) + ", before its size "
            + info.sizeBytes());
      }
    }
  }

  private InstallSnapshot chunk(long term, NodeId leader, long offset, byte[] data) {
    return new InstallSnapshot(term, leader, info.meta(), info.sizeBytes(), info.checksum(), offset, data);
  }

  /** Releases the snapshot's source. */
  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException e) {
      // Closing a source only releases it; nothing was written, so nothing is lost.
    }
  }

  void checkInvariants() {
    if (acked > sent || sent > info.sizeBytes() || sent - Math.max(acked, 0) > windowBytes) {
      throw new IllegalStateException("snapshot transfer of " + info + ": acked " + acked + ", sent " + sent);
    }
  }

  @Override
  public String toString() {
    return "transfer of " + info.meta() + " acked=" + acked + " sent=" + sent + "/" + info.sizeBytes();
  }
}

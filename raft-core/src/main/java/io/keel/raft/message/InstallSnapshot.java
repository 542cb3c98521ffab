package io.keel.raft.message;

import io.keel.raft.NodeId;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import java.util.Arrays;
import java.util.Objects;

/**
 * One chunk of the snapshot a leader sends to a follower that needs entries the leader has
 * compacted away (Raft paper, Figure 13, "InstallSnapshot RPC", with offsets instead of a done
 * flag). The chunk carries {@code data.length} payload bytes from {@code offset}; the follower
 * writes chunks at their offsets, so that lost, duplicated and reordered chunks cannot damage the
 * payload, and it answers each with how much it holds ({@link InstallSnapshotResponse}). A chunk
 * with no data asks the follower only where it stands: a leader starts every transfer with one,
 * so that a transfer interrupted by a crash or a change of leader resumes where it stopped.
 *
 * <p>Like a log entry's command, {@code data} is not copied: neither the sender nor the receiver
 * may change it after the message is built.
 *
 * @param term the leader's term
 * @param from the leader
 * @param meta what the snapshot stands for: its last index and term, and the voters there
 * @param size the whole payload's length in bytes
 * @param checksum the whole payload's CRC-32C, which the follower checks before installing it
 * @param offset where in the payload {@code data} starts
 * @param data the chunk's bytes; empty for a probe
 */
public record InstallSnapshot(long term, NodeId from, SnapshotMeta meta, long size, long checksum, long offset,
    byte[] data) implements Message {

  /** Validates the message: the chunk lies within the payload, and the snapshot is not empty. */
  public InstallSnapshot {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(data, "data");
    Messages.requireTerm(term);
    SnapshotInfo.checkPayload(size, checksum);
    if (meta.lastIndex() == 0) {
      throw new IllegalArgumentException("a snapshot sent to a follower stands for at least one entry");
    }
    if (offset < 0 || offset > size || data.length > size - offset) {
      throw new IllegalArgumentException("a chunk of " + data.length + " bytes at offset " + offset
          + " does not lie within a payload of " + size + " bytes");
    }
  }

  /** The offset just past the chunk's last byte. */
  public long end() {
    return offset + data.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof InstallSnapshot that && term == that.term && from.equals(that.from)
        && meta.equals(that.meta) && size == that.size && checksum == that.checksum && offset == that.offset
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(term, from, meta, size, checksum, offset, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "InstallSnapshot[term=" + term + ", from=" + from + ", meta=" + meta + ", size=" + size
        + ", offset=" + offset + ", bytes=" + data.length + "]";
  }
}

package io.keel.raft.protocol;

import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.snapshot.SnapshotMeta;

/**
 * A follower's bookkeeping of one snapshot it receives: what the snapshot is, how many bytes the
 * receiver said it holds, and the chunks handed to the receiver and not yet reported on. It
 * decides what to do with each chunk that arrives, so that the receiver's work stays bounded
 * however many chunks the leader resends: a chunk is handed over only if it continues what is
 * held or already handed over, and at most {@code window} at a time; a chunk wholly held is
 * answered at once; anything else (a chunk already handed over, one after a gap, one beyond the
 * window) is dropped, and the leader resends from the position it next hears.
 *
 * <p>The receiver reports on the chunks in the order they were handed over. A report whose
 * position falls short of its chunk's end means the receiver refused the chunk (it held less than
 * the chunk assumed), and so it will refuse the ones handed over after it: the next chunk handed
 * over starts from the position reported.
 *
 * <p>Invariant: {@code 0 <= pending <= window}.
 */
final class SnapshotReceipt {

  /** What to do with a chunk. */
  enum Decision {
    /** Hand it to the receiver, whose report the node answers. */
    STORE,
    /** Answer the leader at once with the position held. */
    ANSWER,
    /** Neither: the receiver has it, or cannot take it now. */
    DROP
  }

  private final SnapshotMeta meta;
  private final long size;
  private final long checksum;
  private final int window;
  /** How many bytes the receiver said it holds; -1 until it says. */
  private long held = -1;
  /** The ends of the chunks handed to the receiver and not reported on, oldest first, in a ring. */
  private final long[] pendingEnds;
  private int first;
  private int pending;
  /** Where the chunk handed over next must start (or start before); -1 until known. */
  private long handedUpTo = -1;

  SnapshotReceipt(InstallSnapshot first, int window) {
    this.meta = first.meta();
    this.size = first.size();
    this.checksum = first.checksum();
    this.window = window;
    this.pendingEnds = new long[window];
  }

  SnapshotMeta meta() {
    return meta;
  }

  long size() {
    return size;
  }

  long held() {
    return held;
  }

  /** Whether {@code chunk} belongs to this snapshot: the same meta, size and checksum. */
  boolean isOf(InstallSnapshot chunk) {
    return meta.equals(chunk.meta()) && size == chunk.size() && checksum == chunk.checksum();
  }

  /** What to do with {@code chunk} of this snapshot; a chunk to store is counted as handed over. */
  Decision offer(InstallSnapshot chunk) {
    if (held >= 0 && chunk.end() <= held) {
      return Decision.ANSWER; // a duplicate, or a probe
    }
    if (pending >= window) {
      return Decision.DROP;
    }
    if (pending > 0 && (chunk.end() <= handedUpTo || chunk.offset() > handedUpTo)) {
      return Decision.DROP; // handed over already, or not the next one
    }
    if (pending == 0 && held >= 0 && chunk.offset() > held) {
      return Decision.ANSWER; // after a gap: the leader learns where to go back to
    }
    if (held < 0 && pending > 0) {
      return Decision.DROP; // the receiver has not said yet where it stands
    }
    pendingEnds[(first + pending) % window] = chunk.end();
    pending++;
    handedUpTo = chunk.end();
    return Decision.STORE;
  }

  /** The receiver holds {@code position} bytes, after the oldest chunk handed over. */
  void onStored(long position) {
    held = position;
    if (pending == 0) {
      return; // a report of a chunk handed over before a failure reset the receipt
    }
    long end = pendingEnds[first];
    first = (first + 1) % window;
    pending--;
    if (position < end) {
      handedUpTo = position; // refused, and so will the chunks after it be: go on from here
    } else if (pending == 0) {
      handedUpTo = Math.max(handedUpTo, position);
    }
  }

  void checkInvariants() {
    if (pending < 0 || pending > window) {
      throw new IllegalStateException("receipt of " + meta + ": held " + held + ", " + pending
          + " chunks pending up to " + handedUpTo);
    }
  }
}

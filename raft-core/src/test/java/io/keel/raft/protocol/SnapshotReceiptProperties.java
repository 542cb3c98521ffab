package io.keel.raft.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.snapshot.SnapshotMeta;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A follower's receipt of a snapshot against a model of the receiver (a sink that appends a chunk
 * starting at or before what it holds, and refuses one after it), under chunks lost, duplicated,
 * reordered and resent at random: the receiver's queue never holds more than the window, and a
 * leader that then sends from the position it hears gets the whole payload across.
 */
class SnapshotReceiptProperties {

  private static final SnapshotMeta META = new SnapshotMeta(10, 2, List.of(NodeId.of("n1"), NodeId.of("n2")));

  @Property(tries = 500)
  void the_receivers_work_stays_bounded_and_the_payload_gets_across(
      @ForAll @IntRange(min = 0, max = 200) int size,
      @ForAll @IntRange(min = 1, max = 8) int window,
      @ForAll @IntRange(min = 1, max = 16) int chunkBytes,
      @ForAll long seed) {
    Random random = new Random(seed);
    SnapshotReceipt receipt = new SnapshotReceipt(chunk(size, 0, 0), window);
    Sink sink = new Sink();
    ArrayDeque<InstallSnapshot> queue = new ArrayDeque<>();
    // Chaos: chunks anywhere, in any order, many times; the receiver works when it likes.
    for (int step = 0; step < 300; step++) {
      if (random.nextInt(3) == 0 && !queue.isEmpty()) {
        receipt.onStored(sink.write(queue.pollFirst()));
      } else {
        int offset = size == 0 ? 0 : random.nextInt(size + 1);
        InstallSnapshot chunk = chunk(size, offset, Math.min(chunkBytes, size - offset));
        if (receipt.offer(chunk) == SnapshotReceipt.Decision.STORE) {
          queue.addLast(chunk);
        }
      }
      assertTrue(queue.size() <= window, "the receiver holds " + queue.size() + " chunks, window " + window);
      receipt.checkInvariants();
    }
    // A leader that sends from the position it last heard, the receiver working between sends.
    int budget = 4 * (size / chunkBytes + window + 4);
    for (int step = 0; step < budget && sink.position < size; step++) {
      while (!queue.isEmpty()) {
        receipt.onStored(sink.write(queue.pollFirst()));
      }
      long from = Math.max(receipt.held(), 0);
      InstallSnapshot chunk = chunk(size, from, (int) Math.min(chunkBytes, size - from));
      if (receipt.offer(chunk) == SnapshotReceipt.Decision.STORE) {
        queue.addLast(chunk);
      }
    }
    while (!queue.isEmpty()) {
      receipt.onStored(sink.write(queue.pollFirst()));
    }
    assertEquals(size, sink.position, "the whole payload got across");
    assertEquals(size, receipt.held());
  }

  @Test
  void a_refused_chunk_lets_the_next_one_start_from_the_position_reported() {
    SnapshotReceipt receipt = new SnapshotReceipt(chunk(10, 0, 0), 4);
    assertEquals(SnapshotReceipt.Decision.STORE, receipt.offer(chunk(10, 0, 2)));
    receipt.onStored(0); // the receiver refused it: it held nothing
    assertEquals(SnapshotReceipt.Decision.STORE, receipt.offer(chunk(10, 0, 2)));
    receipt.onStored(2);
    assertEquals(SnapshotReceipt.Decision.ANSWER, receipt.offer(chunk(10, 0, 2)), "wholly held: answered");
    assertEquals(SnapshotReceipt.Decision.ANSWER, receipt.offer(chunk(10, 6, 2)), "after a gap: answered");
    assertEquals(SnapshotReceipt.Decision.STORE, receipt.offer(chunk(10, 2, 2)));
    assertEquals(SnapshotReceipt.Decision.DROP, receipt.offer(chunk(10, 2, 2)), "handed over already");
    assertEquals(SnapshotReceipt.Decision.STORE, receipt.offer(chunk(10, 4, 2)));
  }

  private static InstallSnapshot chunk(long size, long offset, int length) {
    return new InstallSnapshot(3, NodeId.of("n1"), META, size, 0, offset, new byte[Math.max(0, length)]);
  }

  /** The receiver's sink: appends a chunk that starts at or before what it holds, refuses one after. */
  private static final class Sink {
    long position;

    long write(InstallSnapshot chunk) {
      if (chunk.offset() <= position) {
        position = Math.max(position, chunk.end());
      }
      return position;
    }
  }
}

package io.keel.raft.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link SnapshotStore} contract, which every store passes: a store test extends this class and
 * says how to make a store and how to crash and restart one. The examples are JUnit tests; the
 * property, a transfer under lost, duplicated and reordered chunks, syncs, closes and crashes at
 * random, is a jqwik property.
 */
public abstract class SnapshotStoreContract {

  protected static final List<NodeId> VOTERS = List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));

  /** A new, empty store; {@link #cleanUp()} disposes of every store made. */
  protected abstract SnapshotStore newStore() throws IOException;

  /**
   * The store a node finds when it restarts after {@code store}'s process, or machine, crashed:
   * what was durable, and nothing that was not. {@code store} and its sinks are not used again.
   */
  protected abstract SnapshotStore crashAndRestart(SnapshotStore store) throws IOException;

  /** The size of the payload streamed through {@link #aLargePayloadStreamsThroughAndReadsBackIntact()}. */
  protected abstract long largePayloadBytes();

  /** Closes and removes every store made. */
  protected abstract void cleanUp() throws IOException;

  /** Runs {@link #cleanUp()} after each test (an overriding method would not inherit {@code @AfterEach}). */
  @AfterEach
  final void cleanUpAfterEachTest() throws IOException {
    cleanUp();
  }

  protected static SnapshotMeta meta(long index) {
    return new SnapshotMeta(index, 1 + index / 100, VOTERS);
  }

  /** Takes a snapshot at {@code index} of the payload {@code seed} of {@code size} bytes. */
  protected static SnapshotInfo create(SnapshotStore store, long index, long seed, long size) throws IOException {
    try (SnapshotSink sink = store.create(meta(index))) {
      Payloads.writeTo(sink.stream(), seed, size, 8191);
      return sink.finish();
    }
  }

  /** Checks that {@code info} is the store's latest and reads back as the payload {@code seed}, both ways. */
  protected static void assertLatestHolds(SnapshotStore store, SnapshotInfo info, long seed) throws IOException {
    assertEquals(Optional.of(info), store.latest());
    assertEquals(Payloads.crc(seed, info.sizeBytes()), info.checksum(), "the checksum recorded");
    try (SnapshotSource source = store.open(info); InputStream in = source.stream()) {
      assertEquals(info.sizeBytes(), source.size());
      Payloads.assertHolds(in, seed, info.sizeBytes());
      ByteBuffer chunk = ByteBuffer.allocate(1000);
      for (long offset = 0; offset < info.sizeBytes(); offset += 7919) {
        chunk.clear();
        int read = source.read(offset, chunk);
        assertEquals(Math.min(1000, info.sizeBytes() - offset), read, "bytes read at " + offset);
        assertArrayEquals(Payloads.chunk(seed, offset, read).array(), java.util.Arrays.copyOf(chunk.array(), read));
      }
      assertEquals(-1, source.read(info.sizeBytes(), chunk.clear()));
    }
  }

  @Test
  void aNewStoreHoldsNoSnapshot() throws IOException {
    assertEquals(Optional.empty(), newStore().latest());
  }

  @Test
  void aCreatedSnapshotIsTheLatestAndReadsBackByStreamAndByChunks() throws IOException {
    SnapshotStore store = newStore();
    SnapshotInfo info = create(store, 100, 1, 3_000_017);
    assertEquals(meta(100), info.meta());
    assertEquals(3_000_017, info.sizeBytes());
    assertLatestHolds(store, info, 1);
  }

  @Test
  void aLargePayloadStreamsThroughAndReadsBackIntact() throws IOException {
    SnapshotStore store = newStore();
    SnapshotInfo info = create(store, 7, 99, largePayloadBytes());
    assertEquals(Payloads.crc(99, largePayloadBytes()), info.checksum());
    try (SnapshotSource source = store.open(info); InputStream in = source.stream()) {
      Payloads.assertHolds(in, 99, largePayloadBytes());
    }
  }

  @Test
  void anEmptyPayloadIsASnapshotToo() throws IOException {
    SnapshotStore store = newStore();
    SnapshotInfo info = create(store, 5, 3, 0);
    assertEquals(0, info.checksum());
    assertLatestHolds(store, info, 3);
  }

  @Test
  void theEmptyStateAtIndexZeroIsASnapshotToo() throws IOException {
    SnapshotStore store = newStore();
    try (SnapshotSink sink = store.create(new SnapshotMeta(0, 0, VOTERS))) {
      assertLatestHolds(store, sink.finish(), 0);
    }
  }

  @Test
  void aSnapshotAtOrBelowTheLatestIndexIsRefused() throws IOException {
    SnapshotStore store = newStore();
    SnapshotInfo info = create(store, 100, 1, 10);
    assertThrows(IllegalArgumentException.class, () -> store.create(meta(100)));
    assertThrows(IllegalArgumentException.class, () -> store.create(meta(99)));
    assertThrows(IllegalArgumentException.class, () -> store.receive(meta(100), 10, Payloads.crc(1, 10)));
    assertThrows(IllegalArgumentException.class, () -> store.receive(meta(3), 10, Payloads.crc(1, 10)));
    assertEquals(Optional.of(info), store.latest());
  }

  @Test
  void aNewerSnapshotReplacesTheLatestWhileOpenSourcesOfTheOldOneStayReadable() throws IOException {
    SnapshotStore store = newStore();
    SnapshotInfo old = create(store, 100, 1, 200_000);
    try (SnapshotSource source = store.open(old); InputStream in = source.stream()) {
      assertEquals(1, in.read(new byte[1]));
      SnapshotInfo newer = create(store, 200, 2, 300_000);
      assertLatestHolds(store, newer, 2);
      assertThrows(NoSuchFileException.class, () -> store.open(old), "a replaced snapshot is no longer stored");
      assertEquals(Payloads.chunk(1, 150_000, 10), readAt(source, 150_000, 10));
      in.readAllBytes(); // verifies the old payload's checksum at its end
    }
  }

  private static ByteBuffer readAt(SnapshotSource source, long offset, int length) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(length);
    assertEquals(length, source.read(offset, chunk));
    return chunk.flip();
  }

  @Test
  void anAbortedOrClosedCreationLeavesTheLatestAsItWas() throws IOException {
    SnapshotStore store = newStore();
    SnapshotInfo info = create(store, 100, 1, 1000);
    SnapshotSink aborted = store.create(meta(200));
    Payloads.writeTo(aborted.stream(), 2, 50_000, 4096);
    aborted.abort();
    aborted.abort();
    assertThrows(IllegalStateException.class, aborted::finish);
    try (SnapshotSink closed = store.create(meta(200))) {
      Payloads.writeTo(closed.stream(), 2, 50_000, 4096);
    }
    assertLatestHolds(store, info, 1);
    assertLatestHolds(store, create(store, 200, 4, 10), 4);
  }

  @Test
  void oneSnapshotAtATimeIsCreatedAtAnIndex() throws IOException {
    SnapshotStore store = newStore();
    try (SnapshotSink first = store.create(meta(10))) {
      assertThrows(IllegalStateException.class, () -> store.create(meta(10)));
      try (SnapshotSink other = store.create(meta(11))) {
        other.stream().write(1);
        assertEquals(1, other.finish().sizeBytes());
      }
      assertThrows(IllegalStateException.class, first::finish, "the store installed 11 meanwhile");
    }
    assertEquals(11, store.latest().orElseThrow().lastIndex());
  }

  @Test
  void aFinishedSinkRefusesEverything() throws IOException {
    SnapshotStore store = newStore();
    SnapshotSink sink = store.create(meta(10));
    sink.stream().write(new byte[] {1, 2, 3});
    SnapshotInfo info = sink.finish();
    assertThrows(IllegalStateException.class, sink::finish);
    assertThrows(IllegalStateException.class, () -> sink.stream().write(4));
    assertThrows(IllegalStateException.class, () -> sink.write(3, ByteBuffer.allocate(1)));
    assertThrows(IllegalStateException.class, sink::sync);
    sink.abort();
    sink.close();
    assertEquals(Optional.of(info), store.latest(), "aborting a finished sink changes nothing");
  }

  @Test
  void aReceivedSnapshotIsInstalledOnceItHoldsEveryByteAndTheChecksumMatches() throws IOException {
    SnapshotStore store = newStore();
    create(store, 100, 1, 1000);
    long size = 250_000;
    SnapshotSink sink = store.receive(meta(300), size, Payloads.crc(5, size));
    assertEquals(0, sink.position());
    for (long offset = 0; offset < size; offset += 65_536) {
      assertTrue(sink.write(offset, Payloads.chunk(5, offset, (int) Math.min(65_536, size - offset))));
      sink.sync();
    }
    SnapshotInfo info = sink.finish();
    assertEquals(new SnapshotInfo(meta(300), size, Payloads.crc(5, size), info.name()), info);
    assertLatestHolds(store, info, 5);
  }

  @Test
  void aReceivedSnapshotCannotFinishBeforeItHoldsAllItsBytes() throws IOException {
    SnapshotStore store = newStore();
    SnapshotSink sink = store.receive(meta(10), 100, Payloads.crc(5, 100));
    sink.write(0, Payloads.chunk(5, 0, 60));
    IllegalStateException early = assertThrows(IllegalStateException.class, sink::finish);
    assertTrue(early.getMessage().contains("60 of the snapshot's 100 bytes"), early.getMessage());
    assertEquals(60, sink.position(), "nothing is discarded");
    sink.write(60, Payloads.chunk(5, 60, 40));
    assertLatestHolds(store, sink.finish(), 5);
  }

  @Test
  void aReceivedPayloadThatDoesNotMatchItsChecksumIsDiscardedAndNamed() throws IOException {
    SnapshotStore store = newStore();
    SnapshotInfo old = create(store, 1, 1, 10);
    long size = 100_000;
    SnapshotSink sink = store.receive(meta(10), size, Payloads.crc(5, size));
    ByteBuffer damaged = Payloads.chunk(5, 0, (int) size);
    damaged.put(77_777, (byte) (damaged.get(77_777) ^ 0x10));
    sink.write(0, damaged);
    sink.sync();
    CorruptSnapshotException mismatch = assertThrows(CorruptSnapshotException.class, sink::finish);
    assertTrue(mismatch.getMessage().contains("declared"), mismatch.getMessage());
    assertTrue(mismatch.location().contains("snapshot-00000000000000000010"), mismatch.location());
    assertEquals(Optional.of(old), store.latest());
    SnapshotSink again = store.receive(meta(10), size, Payloads.crc(5, size));
    assertEquals(0, again.position(), "the damaged payload was discarded");
    again.write(0, Payloads.chunk(5, 0, (int) size));
    assertLatestHolds(store, again.finish(), 5);
  }

  @Test
  void chunksAlreadyHeldAreIgnoredAndChunksBeyondThePositionAreRefused() throws IOException {
    SnapshotStore store = newStore();
    SnapshotSink sink = store.receive(meta(10), 100, Payloads.crc(5, 100));
    assertTrue(sink.write(0, Payloads.chunk(5, 0, 30)));
    ByteBuffer beyond = Payloads.chunk(5, 40, 10);
    assertFalse(sink.write(40, beyond), "a chunk after the position is refused");
    assertEquals(10, beyond.remaining(), "a refused chunk is not consumed");
    ByteBuffer held = Payloads.chunk(5, 10, 20);
    assertTrue(sink.write(10, held), "a chunk already held is acknowledged");
    assertEquals(0, held.remaining());
    assertEquals(30, sink.position());
    assertTrue(sink.write(20, Payloads.chunk(5, 20, 30)), "a chunk that overlaps the position adds its new bytes");
    assertEquals(50, sink.position());
    assertThrows(IllegalArgumentException.class, () -> sink.write(90, ByteBuffer.allocate(11)));
    assertThrows(IllegalArgumentException.class, () -> sink.write(-1, ByteBuffer.allocate(1)));
    assertThrows(IllegalArgumentException.class, () -> sink.stream().write(new byte[51]));
    assertEquals(50, sink.position(), "refusals change nothing");
    sink.stream().write(Payloads.chunk(5, 50, 50).array());
    assertLatestHolds(store, sink.finish(), 5);
  }

  @Test
  void aClosedReceiveResumesWhereItStopped() throws IOException {
    SnapshotStore store = newStore();
    long size = 100_000;
    SnapshotSink first = store.receive(meta(10), size, Payloads.crc(5, size));
    first.write(0, Payloads.chunk(5, 0, 30_000));
    first.close();
    SnapshotSink second = store.receive(meta(10), size, Payloads.crc(5, size));
    assertEquals(30_000, second.position(), "closing keeps what the sink held");
    second.write(30_000, Payloads.chunk(5, 30_000, 20_000));
    SnapshotSink third = store.receive(meta(10), size, Payloads.crc(5, size));
    assertEquals(50_000, third.position(), "a new receive closes the open sink, keeping what it held");
    assertThrows(IllegalStateException.class, () -> second.write(50_000, ByteBuffer.allocate(1)));
    third.write(50_000, Payloads.chunk(5, 50_000, 50_000));
    assertLatestHolds(store, third.finish(), 5);
  }

  @Test
  void aReceiveOfAnotherSnapshotDiscardsThePartHeld() throws IOException {
    SnapshotStore store = newStore();
    SnapshotSink first = store.receive(meta(10), 1000, Payloads.crc(5, 1000));
    first.write(0, Payloads.chunk(5, 0, 500));
    first.sync();
    SnapshotSink other = store.receive(meta(10), 1000, Payloads.crc(6, 1000));
    assertEquals(0, other.position(), "same index, another checksum: another snapshot");
    other.write(0, Payloads.chunk(6, 0, 400));
    other.close();
    SnapshotSink newer = store.receive(meta(20), 1000, Payloads.crc(7, 1000));
    assertEquals(0, newer.position());
    newer.close();
    SnapshotSink back = store.receive(meta(10), 1000, Payloads.crc(6, 1000));
    assertEquals(0, back.position(), "the part of 10 was discarded when 20 arrived");
    back.abort();
    SnapshotSink afterAbort = store.receive(meta(10), 1000, Payloads.crc(6, 1000));
    assertEquals(0, afterAbort.position(), "abort discards even the durable part");
  }

  @Test
  void aSyncedPartSurvivesACrashAndWhatWasNotSyncedDoesNot() throws IOException {
    SnapshotStore store = newStore();
    SnapshotInfo old = create(store, 1, 1, 5000);
    long size = 100_000;
    SnapshotSink sink = store.receive(meta(10), size, Payloads.crc(5, size));
    sink.write(0, Payloads.chunk(5, 0, 40_000));
    sink.sync();
    sink.write(40_000, Payloads.chunk(5, 40_000, 30_000));
    SnapshotStore restarted = crashAndRestart(store);
    assertLatestHolds(restarted, old, 1);
    SnapshotSink resumed = restarted.receive(meta(10), size, Payloads.crc(5, size));
    assertEquals(40_000, resumed.position(), "resumes at what was synced");
    resumed.write(40_000, Payloads.chunk(5, 40_000, 60_000));
    assertLatestHolds(restarted, resumed.finish(), 5);
  }

  @Test
  void aCrashBeforeFinishKeepsThePreviousSnapshotAndAfterItTheNewOne() throws IOException {
    SnapshotStore store = newStore();
    SnapshotInfo old = create(store, 1, 1, 5000);
    SnapshotSink unfinished = store.create(meta(5));
    Payloads.writeTo(unfinished.stream(), 2, 70_000, 1000);
    unfinished.sync();
    SnapshotStore restarted = crashAndRestart(store);
    assertLatestHolds(restarted, old, 1);
    SnapshotInfo newer = create(restarted, 5, 3, 20_000);
    SnapshotStore again = crashAndRestart(restarted);
    assertLatestHolds(again, newer, 3);
  }

  @Test
  void aClosedStoreRefusesNewWork() throws IOException {
    SnapshotStore store = newStore();
    SnapshotInfo info = create(store, 1, 1, 10);
    SnapshotSink open = store.create(meta(2));
    store.close();
    store.close();
    assertThrows(IllegalStateException.class, () -> store.create(meta(3)));
    assertThrows(IllegalStateException.class, () -> store.receive(meta(3), 1, 0));
    assertThrows(IllegalStateException.class, () -> open.stream().write(1));
    assertEquals(Optional.of(info), store.latest());
  }

  @Test
  void aReceiveDeclaringAnImpossibleSizeOrChecksumIsRefused() throws IOException {
    SnapshotStore store = newStore();
    assertThrows(IllegalArgumentException.class, () -> store.receive(meta(3), -1, 0));
    assertThrows(IllegalArgumentException.class, () -> store.receive(meta(3), 1, -1));
    assertThrows(IllegalArgumentException.class, () -> store.receive(meta(3), 1, 1L << 32));
  }

  /**
   * A leader sends a snapshot in chunks over a network that loses, duplicates and reorders them;
   * the follower syncs, closes its sink and crashes at random moments, and resumes each time with
   * a new receive of the same snapshot, exactly where it last synced; the leader goes on from the
   * position the follower reports when a chunk is refused or a heartbeat tells it. The transfer
   * ends with the snapshot intact, installed, and still there after one more crash.
   */
  @Property(tries = 100)
  void aTransferSurvivesLostDuplicatedAndReorderedChunksSyncsAndCrashes(
      @ForAll @LongRange(min = 0, max = 300_000) long size, @ForAll @IntRange(min = 1, max = 60) int chunks,
      @ForAll long seed) throws IOException {
    try {
      transfer(size, (int) Math.max(1, (size + chunks - 1) / chunks), seed);
    } finally {
      cleanUp();
    }
  }

  private void transfer(long size, int chunkBytes, long seed) throws IOException {
    Random random = new Random(seed);
    SnapshotStore store = newStore();
    if (random.nextBoolean()) {
      create(store, 5, seed + 1, random.nextInt(10_000));
    }
    long checksum = Payloads.crc(seed, size);
    SnapshotSink sink = store.receive(meta(50), size, checksum);
    List<long[]> network = new ArrayList<>();
    long synced = 0;
    long leaderNext = 0;
    for (int step = 0; sink.position() < size || random.nextInt(4) > 0; step++) {
      assertTrue(step < 100_000, "the transfer makes progress");
      int action = random.nextInt(100);
      if (action < 35 && leaderNext < size) {
        long[] chunk = {leaderNext, Math.min(chunkBytes, size - leaderNext)};
        network.add(chunk);
        if (random.nextInt(10) == 0) {
          network.add(chunk);
        }
        leaderNext += chunk[1];
      } else if (action < 70 && !network.isEmpty()) {
        long[] chunk = network.remove(random.nextInt(network.size()));
        if (!sink.write(chunk[0], Payloads.chunk(seed, chunk[0], (int) chunk[1]))) {
          leaderNext = sink.position(); // the follower's reply names its position
        }
      } else if (action < 78 && !network.isEmpty()) {
        network.remove(random.nextInt(network.size()));
      } else if (action < 83) {
        sink.sync();
        synced = sink.position();
      } else if (action < 85) {
        store = crashAndRestart(store);
        sink = store.receive(meta(50), size, checksum);
        assertEquals(synced, sink.position(), "a receive after a crash resumes at what was synced");
        leaderNext = sink.position();
      } else if (action < 87) {
        long held = sink.position();
        sink.close();
        sink = store.receive(meta(50), size, checksum);
        assertEquals(held, sink.position(), "a receive after a close resumes at what was held");
        synced = held;
      } else {
        leaderNext = sink.position(); // a heartbeat's reply
      }
    }
    SnapshotInfo info = sink.finish();
    assertEquals(new SnapshotInfo(meta(50), size, checksum, info.name()), info);
    assertLatestHolds(store, info, seed);
    assertLatestHolds(crashAndRestart(store), info, seed);
  }

  /** Writes through a stream wrapped as a state machine might wrap it, closing the wrapper. */
  @Test
  void closingTheStreamDoesNotFinishTheSnapshot() throws IOException {
    SnapshotStore store = newStore();
    SnapshotSink sink = store.create(meta(4));
    try (OutputStream out = new java.io.BufferedOutputStream(sink.stream(), 10_000)) {
      Payloads.writeTo(out, 8, 123_457, 333);
    }
    assertEquals(Optional.empty(), store.latest());
    assertEquals(123_457, sink.position());
    assertLatestHolds(store, sink.finish(), 8);
  }
}

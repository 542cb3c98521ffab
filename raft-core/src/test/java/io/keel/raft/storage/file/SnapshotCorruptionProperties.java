package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import io.keel.raft.snapshot.CorruptSnapshotException;
import io.keel.raft.snapshot.Payloads;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import io.keel.raft.snapshot.SnapshotSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * No damage to a snapshot file is ever taken for a snapshot: a bit flipped anywhere, a cut at any
 * length, bytes appended, each refuses the open with a {@link CorruptSnapshotException} naming the
 * file (or, with {@code verifyOnOpen} off, payload damage fails the stream that reads it, naming the
 * file). Damage to a received snapshot's part or its progress file is never installed either: the
 * receive resumes from a position that was durable, or starts over, and ends with the right bytes.
 */
class SnapshotCorruptionProperties {

  private static final SnapshotMeta META = new SnapshotMeta(1234, 7, List.of(NodeId.of("n1"), NodeId.of("n2"),
      NodeId.of("node-three")));
  private static final long SEED = 42;
  private static final long SIZE = 20_000;
  private static final FileSnapshotStoreOptions OPTIONS = FileSnapshotStoreOptions.defaults();

  /** A closed directory holding one snapshot. */
  private Path stored;
  private Path file;
  private long fileBytes;
  /** A closed directory holding the snapshot's part, synced twice (at 6,000 and 12,000 bytes). */
  private Path part;

  @BeforeProperty
  void storeASnapshotAndAPart() throws IOException {
    stored = Files.createTempDirectory("keel-snapshot-corruption");
    try (FileSnapshotStore store = FileSnapshotStore.open(stored, OPTIONS); SnapshotSink sink = store.create(META)) {
      Payloads.writeTo(sink.stream(), SEED, SIZE, 999);
      sink.finish();
    }
    file = stored.resolve(SnapshotFormat.snapshotName(META.lastIndex()));
    fileBytes = Files.size(file);
    assertEquals(SnapshotFormat.headerBytes(META) + SIZE, fileBytes);
    part = Files.createTempDirectory("keel-snapshot-corruption");
    try (FileSnapshotStore store = FileSnapshotStore.open(part, OPTIONS)) {
      SnapshotSink sink = store.receive(META, SIZE, Payloads.crc(SEED, SIZE));
      sink.write(0, Payloads.chunk(SEED, 0, 6_000));
      sink.sync();
      sink.write(6_000, Payloads.chunk(SEED, 6_000, 6_000));
      sink.close();
    }
  }

  @AfterProperty
  void removeThem() throws IOException {
    LogDirectories.deleteRecursively(stored);
    LogDirectories.deleteRecursively(part);
  }

  @Property
  @ShareOfDefaultTries(percent = 30)
  void aBitFlippedAnywhereInASnapshotRefusesTheOpenNamingTheFile(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE - 1) int offsetSeed, @ForAll @IntRange(max = 7) int bit)
      throws IOException {
    Path dir = LogDirectories.copy(stored);
    try {
      long offset = offsetSeed % fileBytes;
      flip(dir.resolve(file.getFileName()), offset, bit);
      CorruptSnapshotException refusal = assertThrows(CorruptSnapshotException.class,
          () -> FileSnapshotStore.open(dir, OPTIONS), "bit " + bit + " at " + offset);
      assertEquals(dir.resolve(file.getFileName()), refusal.file(), refusal.getMessage());
      assertTrue(Files.exists(dir.resolve(file.getFileName())), "a refused snapshot stays for an operator to see");
    } finally {
      LogDirectories.deleteRecursively(dir);
    }
  }

  @Property
  @ShareOfDefaultTries(percent = 20)
  void withoutVerificationOnOpenAFlippedPayloadBitFailsTheStreamThatReadsIt(
      @ForAll @IntRange(min = 0, max = (int) SIZE - 1) int payloadOffset, @ForAll @IntRange(max = 7) int bit)
      throws IOException {
    Path dir = LogDirectories.copy(stored);
    Path damaged = dir.resolve(file.getFileName());
    try {
      flip(damaged, SnapshotFormat.headerBytes(META) + payloadOffset, bit);
      try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS.withVerifyOnOpen(false));
          SnapshotSource source = store.open(store.latest().orElseThrow());
          InputStream in = source.stream()) {
        CorruptSnapshotException failure = assertThrows(CorruptSnapshotException.class, in::readAllBytes);
        assertEquals(damaged, failure.file());
        assertThrows(CorruptSnapshotException.class, in::read, "and every read after it");
        assertEquals(1, store.stats().checksumFailures());
      }
    } finally {
      LogDirectories.deleteRecursively(dir);
    }
  }

  @Property
  @ShareOfDefaultTries(percent = 10)
  void aSnapshotCutAtAnyLengthOrGrownRefusesTheOpenNamingTheFile(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE - 1) int lengthSeed, @ForAll boolean grow)
      throws IOException {
    Path dir = LogDirectories.copy(stored);
    Path damaged = dir.resolve(file.getFileName());
    try {
      if (grow) {
        Files.write(damaged, new byte[1 + lengthSeed % 100], StandardOpenOption.APPEND);
      } else {
        LogDirectories.truncate(damaged, lengthSeed % fileBytes);
      }
      for (boolean verify : new boolean[] {true, false}) {
        CorruptSnapshotException refusal = assertThrows(CorruptSnapshotException.class,
            () -> FileSnapshotStore.open(dir, OPTIONS.withVerifyOnOpen(verify)));
        assertEquals(damaged, refusal.file(), refusal.getMessage());
      }
    } finally {
      LogDirectories.deleteRecursively(dir);
    }
  }

  @Property
  @ShareOfDefaultTries(percent = 20)
  void aDamagedPartOrProgressFileIsNeverInstalled(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE - 1) int offsetSeed, @ForAll @IntRange(max = 7) int bit,
      @ForAll boolean progressFile) throws IOException {
    Path dir = LogDirectories.copy(part);
    try {
      Path damaged = dir.resolve(progressFile ? SnapshotFormat.progressName(META.lastIndex())
          : SnapshotFormat.partialName(META.lastIndex()));
      flip(damaged, offsetSeed % Files.size(damaged), bit);
      try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS)) {
        SnapshotSink sink = store.receive(META, SIZE, Payloads.crc(SEED, SIZE));
        long resumed = sink.position();
        assertTrue(resumed == 0 || resumed == 6_000 || resumed == 12_000, "resumes at a synced position: " + resumed);
        sink.write(resumed, Payloads.chunk(SEED, resumed, (int) (SIZE - resumed)));
        SnapshotInfo info = sink.finish();
        try (SnapshotSource source = store.open(info); InputStream in = source.stream()) {
          Payloads.assertHolds(in, SEED, SIZE);
        }
      }
    } finally {
      LogDirectories.deleteRecursively(dir);
    }
  }

  private static void flip(Path file, long offset, int bit) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ (1 << bit))).rewind();
      channel.write(one, offset);
    }
  }
}

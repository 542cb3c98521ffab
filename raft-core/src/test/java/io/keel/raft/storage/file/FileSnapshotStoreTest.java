package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file snapshot store's directory rules by example: what opening removes, what it refuses and
 * how it names it, the lock, the format's version, and what the store counts, including a failing
 * disk.
 */
class FileSnapshotStoreTest {

  private static final List<NodeId> VOTERS = List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));
  private static final FileSnapshotStoreOptions OPTIONS = FileSnapshotStoreOptions.defaults();

  @TempDir
  Path dir;

  private static SnapshotMeta meta(long index) {
    return new SnapshotMeta(index, 2, VOTERS);
  }

  private static SnapshotInfo create(FileSnapshotStore store, long index, long seed, long size) throws IOException {
    try (SnapshotSink sink = store.create(meta(index))) {
      Payloads.writeTo(sink.stream(), seed, size, 4096);
      return sink.finish();
    }
  }

  /** A closed directory holding the snapshot at {@code index}. */
  private void storeOne(long index) throws IOException {
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS)) {
      create(store, index, index, 10_000);
    }
  }

  private Path snapshot(long index) {
    return dir.resolve(SnapshotFormat.snapshotName(index));
  }

  @Test
  void aSnapshotIsOneFileBesideTheLockWhichIsMarked() throws IOException {
    storeOne(5);
    storeOneMore(9);
    assertEquals(List.of("lock", "snapshot-00000000000000000009.snap"), LogDirectories.names(dir));
    assertEquals(FileSnapshotStore.LOCK_MARK, Files.readString(dir.resolve("lock")));
    assertEquals(SnapshotFormat.headerBytes(meta(9)) + 10_000, Files.size(snapshot(9)));
  }

  private void storeOneMore(long index) throws IOException {
    storeOne(index);
  }

  @Test
  void openingRemovesWhatInterruptedWritesLeftAndSaysSo() throws IOException {
    storeOne(5);
    Files.copy(snapshot(5), dir.resolve(SnapshotFormat.snapshotName(3)));
    Files.write(dir.resolve(SnapshotFormat.tempName(8)), new byte[100]);
    Files.write(dir.resolve("other.tmp"), new byte[1]);
    Files.write(dir.resolve(SnapshotFormat.partialName(4)), new byte[100]);
    Files.write(dir.resolve(SnapshotFormat.progressName(4)), new byte[88]);
    Files.write(dir.resolve(SnapshotFormat.progressName(7)), new byte[88]);
    Files.write(dir.resolve(SnapshotFormat.partialName(6)), new byte[10]);
    Files.write(dir.resolve(SnapshotFormat.partialName(8)), new byte[10]);
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS)) {
      assertEquals(5, store.latest().orElseThrow().lastIndex());
      assertEquals(8, store.recoveryNotes().size(), String.join("\n", store.recoveryNotes()));
      assertTrue(store.recoveryNotes().stream().anyMatch(note -> note.contains("snapshot-00000000000000000003.snap: "
          + "an older snapshot")), store.recoveryNotes().toString());
      assertTrue(store.recoveryNotes().stream().anyMatch(note -> note.contains("00000000000000000008.partial: the part "
          + "of a received snapshot that cannot be resumed")), store.recoveryNotes().toString());
    }
    assertEquals(List.of("lock", "snapshot-00000000000000000005.snap"), LogDirectories.names(dir));
  }

  @Test
  void filesThatDoNotBelongRefuseTheOpenAndAreAllNamed() throws IOException {
    storeOne(5);
    Files.write(dir.resolve("notes.txt"), new byte[1]);
    Files.write(dir.resolve("snapshot-1.snap"), new byte[1]);
    Files.write(dir.resolve("snapshot-99999999999999999999.snap"), new byte[1]);
    Files.createDirectory(dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("link"), snapshot(5));
    CorruptSnapshotException refusal = assertThrows(CorruptSnapshotException.class,
        () -> FileSnapshotStore.open(dir, OPTIONS));
    List<String> named = new java.util.ArrayList<>();
    named.add(refusal.file().getFileName().toString());
    Arrays.stream(refusal.getSuppressed()).forEach(e -> named.add(((CorruptSnapshotException) e).file().getFileName()
        .toString()));
    assertEquals(List.of("link", "notes.txt", "snapshot-1.snap", "snapshot-99999999999999999999.snap", "sub"),
        named.stream().sorted().toList(), refusal.getMessage());
    assertTrue(refusal.getMessage().contains("unknown file") || refusal.getMessage().contains("not a regular file"),
        refusal.getMessage());
  }

  @Test
  void aDamagedLatestSnapshotRefusesTheOpenAndNeverFallsBackToAnOlderOne() throws IOException {
    storeOne(5);
    Files.copy(snapshot(5), dir.resolve(SnapshotFormat.snapshotName(3)));
    LogDirectories.truncate(snapshot(5), Files.size(snapshot(5)) - 1);
    CorruptSnapshotException refusal = assertThrows(CorruptSnapshotException.class,
        () -> FileSnapshotStore.open(dir, OPTIONS));
    assertEquals(snapshot(5), refusal.file());
    assertTrue(refusal.getMessage().contains("cut short"), refusal.getMessage());
    assertTrue(Files.exists(dir.resolve(SnapshotFormat.snapshotName(3))),
        "nothing is removed from a refused directory");
  }

  @Test
  void aDirectoryThatLostItsSnapshotIsRefused() throws IOException {
    storeOne(5);
    Files.delete(snapshot(5));
    CorruptSnapshotException refusal = assertThrows(CorruptSnapshotException.class,
        () -> FileSnapshotStore.open(dir, OPTIONS));
    assertEquals(dir.resolve("lock"), refusal.file());
    assertTrue(refusal.getMessage().contains("the latest snapshot was lost"), refusal.getMessage());
  }

  @Test
  void aSnapshotOfAnotherFormatVersionOrIndexIsRefused() throws IOException {
    storeOne(5);
    byte[] bytes = Files.readAllBytes(snapshot(5));
    ByteBuffer.wrap(bytes).putInt(4, 2);
    rewriteHeaderCrc(bytes);
    Files.write(snapshot(5), bytes);
    CorruptSnapshotException version = assertThrows(CorruptSnapshotException.class,
        () -> FileSnapshotStore.open(dir, OPTIONS));
    assertTrue(version.getMessage().contains("snapshot format version 2 is not supported; this build reads version 1"),
        version.getMessage());
    ByteBuffer.wrap(bytes).putInt(4, 1);
    rewriteHeaderCrc(bytes);
    Files.write(dir.resolve(SnapshotFormat.snapshotName(6)), bytes);
    Files.delete(snapshot(5));
    CorruptSnapshotException index = assertThrows(CorruptSnapshotException.class,
        () -> FileSnapshotStore.open(dir, OPTIONS));
    assertTrue(index.getMessage().contains("records last index 5, but the file is named for index 6"),
        index.getMessage());
  }

  private static void rewriteHeaderCrc(byte[] bytes) {
    int metaBytes = ByteBuffer.wrap(bytes).getInt(20);
    int crcOffset = SnapshotFormat.FIXED_HEADER_BYTES + metaBytes;
    ByteBuffer.wrap(bytes).putInt(crcOffset, SnapshotFormat.crc(bytes, 0, crcOffset));
  }

  @Test
  void aDirectoryIsLockedAndIsNotALogDirectory() throws IOException {
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS)) {
      IOException inUse = assertThrows(IOException.class, () -> FileSnapshotStore.open(dir, OPTIONS));
      assertTrue(inUse.getMessage().contains("snapshot directory " + dir + " is in use by another store"),
          inUse.getMessage());
      create(store, 1, 1, 10);
    }
    assertThrows(CorruptLogException.class, () -> FileLogStore.open(dir, FileLogStoreOptions.defaults(),
        new RecordingListener()), "the log refuses a snapshot directory");
    Path logDir = dir.resolve("log");
    FileLogStore.open(logDir, FileLogStoreOptions.defaults(), new RecordingListener()).close();
    CorruptSnapshotException refusal = assertThrows(CorruptSnapshotException.class,
        () -> FileSnapshotStore.open(logDir, OPTIONS));
    assertTrue(refusal.getMessage().contains("not a snapshot directory") || refusal.getMessage().contains("unknown"),
        refusal.getMessage());
    Path plainFile = dir.resolve("plain");
    Files.write(plainFile, new byte[1]);
    assertThrows(IOException.class, () -> FileSnapshotStore.open(plainFile, OPTIONS));
  }

  @Test
  void optionsOutOfRangeAreRefusedNamingTheField() {
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
        () -> OPTIONS.withBufferBytes(4095));
    assertTrue(small.getMessage().contains("bufferBytes must be in [4096, 67108864], got 4095"), small.getMessage());
    assertThrows(IllegalArgumentException.class, () -> OPTIONS.withBufferBytes((64 << 20) + 1));
    assertThrows(NullPointerException.class, () -> OPTIONS.withFileIo(null));
  }

  @Test
  void aLargeDirectChunkGoesStraightToTheFile() throws IOException {
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS.withBufferBytes(4096))) {
      long size = 100_000;
      SnapshotSink sink = store.receive(meta(3), size, Payloads.crc(7, size));
      sink.write(0, Payloads.chunk(7, 0, 10));
      ByteBuffer direct = ByteBuffer.allocateDirect(60_000);
      direct.put(Payloads.chunk(7, 10, 60_000)).flip();
      assertTrue(sink.write(10, direct));
      ByteBuffer aligned = ByteBuffer.allocateDirect(30_000);
      aligned.put(Payloads.chunk(7, 60_010, 30_000)).flip();
      sink.sync();
      assertTrue(sink.write(60_010, aligned));
      sink.stream().write(Payloads.chunk(7, 90_010, 9_990).array());
      SnapshotInfo info = sink.finish();
      try (SnapshotSource source = store.open(info); InputStream in = source.stream()) {
        Payloads.assertHolds(in, 7, size);
      }
      assertEquals(size, store.stats().bytesWritten());
    }
  }

  @Test
  void aSourceRefusesAnInfoItDoesNotHold() throws IOException {
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS)) {
      SnapshotInfo info = create(store, 5, 1, 100);
      assertThrows(IllegalArgumentException.class, () -> store.open(new SnapshotInfo(info.meta(), 100,
          info.checksum(), "../elsewhere")));
      CorruptSnapshotException mismatch = assertThrows(CorruptSnapshotException.class, () -> store.open(
          new SnapshotInfo(info.meta(), 100, info.checksum() ^ 1, info.name())));
      assertEquals(snapshot(5), mismatch.file());
    }
  }

  @Test
  void theStoreCountsWhatItWritesAndSyncs() throws IOException {
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS)) {
      create(store, 1, 1, 10_000);
      create(store, 2, 2, 20_000);
      SnapshotSink sink = store.receive(meta(3), 5_000, Payloads.crc(3, 5_000));
      sink.write(0, Payloads.chunk(3, 0, 5_000));
      sink.sync();
      sink.finish();
      SnapshotStoreStats stats = store.stats();
      assertEquals(2, stats.snapshotsCreated());
      assertEquals(1, stats.snapshotsReceived());
      assertEquals(35_000, stats.bytesWritten());
      // created: the file and the directory each; received: the header and the directory at the
      // start, the payload and the progress per sync, the payload and the directory at the end; one mark
      assertEquals(2 * 2 + 2 + 2 + 2 + 1, stats.syncs(), stats.toString());
      assertEquals(0, stats.writeFailures() + stats.cleanupFailures() + stats.checksumFailures());
    }
  }

  @Test
  void aFullDiskFailsTheSinkAloneAndTheStoreGoesOn() throws IOException {
    storeOne(5);
    FailingFileIo failing = new FailingFileIo(3, 0);
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS.withBufferBytes(4096).withFileIo(failing))) {
      SnapshotSink sink = store.create(meta(9));
      IOException full = assertThrows(IOException.class, () -> Payloads.writeTo(sink.stream(), 9, 100_000, 1000));
      assertTrue(full.getMessage().contains("No space left on device"), full.getMessage());
      assertThrows(IllegalStateException.class, sink::finish);
      assertEquals(1, store.stats().writeFailures());
      assertEquals(5, store.latest().orElseThrow().lastIndex());
      assertFalse(Files.exists(dir.resolve(SnapshotFormat.tempName(9))), "the failed snapshot's file is removed");
      SnapshotInfo next = create(store, 9, 9, 1000);
      assertEquals(Optional.of(next), store.latest());
    }
  }

  @Test
  void aFailedSyncOfAReceivedSnapshotKeepsWhatWasDurableBefore() throws IOException {
    FailingFileIo failing = new FailingFileIo(0, 8);
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS.withFileIo(failing))) {
      SnapshotSink sink = store.receive(meta(3), 30_000, Payloads.crc(3, 30_000));
      sink.write(0, Payloads.chunk(3, 0, 10_000));
      sink.sync();
      sink.write(10_000, Payloads.chunk(3, 10_000, 10_000));
      sink.sync();
      sink.write(20_000, Payloads.chunk(3, 20_000, 5_000));
      assertThrows(IOException.class, sink::sync, "the eighth force, of the progress file, fails");
      assertEquals(1, store.stats().writeFailures());
      SnapshotSink resumed = store.receive(meta(3), 30_000, Payloads.crc(3, 30_000));
      assertTrue(resumed.position() == 20_000 || resumed.position() == 25_000, "at " + resumed.position());
      resumed.write(resumed.position(), Payloads.chunk(3, resumed.position(), (int) (30_000 - resumed.position())));
      assertEquals(30_000, resumed.finish().sizeBytes());
    }
  }

  @Test
  void aReplacedSnapshotThatCannotBeRemovedIsCountedAndRemovedLater() throws IOException {
    storeOne(5);
    FileIo undeletable = new FileIo() {
      private int deletions;

      @Override
      public java.nio.channels.FileChannel open(Path path, java.nio.file.OpenOption... options) throws IOException {
        return FileIo.DEFAULT.open(path, options);
      }

      @Override
      public void delete(Path path) throws IOException {
        if (++deletions == 1) {
          throw new IOException("Operation not permitted");
        }
        FileIo.super.delete(path);
      }
    };
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS.withFileIo(undeletable))) {
      create(store, 9, 9, 100);
      assertEquals(1, store.stats().cleanupFailures());
      assertTrue(Files.exists(snapshot(5)), "the replaced snapshot is still there");
      create(store, 12, 12, 100);
      assertEquals(List.of("lock", "snapshot-00000000000000000012.snap"), LogDirectories.names(dir));
    }
  }
}

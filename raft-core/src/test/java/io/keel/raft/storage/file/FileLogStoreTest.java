package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLogStoreTest {

  @TempDir
  Path dir;

  private final RecordingListener listener = new RecordingListener();

  static LogEntry entry(long index, long term) {
    return LogEntry.command(index, term, ("entry " + index + "@" + term).getBytes(StandardCharsets.UTF_8));
  }

  static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> result = new ArrayList<>();
    for (long index = from; index <= to; index++) {
      result.add(entry(index, term));
    }
    return result;
  }

  private FileLogStore open(FileLogStoreOptions options) throws IOException {
    return FileLogStore.open(dir, options, listener);
  }

  private static FileLogStoreOptions small() {
    return FileLogStoreOptions.defaults().withSegmentSizeBytes(1024).withCacheBytes(0);
  }

  private List<String> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith("segment-")).sorted().toList();
    }
  }

  @Test
  void aNewDirectoryIsAnEmptyLogWithTheInitialHardState() throws IOException {
    try (FileLogStore store = open(FileLogStoreOptions.defaults())) {
      assertEquals(1, store.firstIndex());
      assertEquals(0, store.lastIndex());
      assertEquals(0, store.term(0));
      assertEquals(HardState.INITIAL, store.hardState());
    }
    assertEquals(Manifest.initial(), Manifest.read(dir.resolve("manifest")));
    assertEquals(DirectoryLock.MARK, Files.readString(dir.resolve("lock")), "the lock file remembers the store");
    assertEquals(List.of("lock", "manifest"), LogDirectories.names(dir));
  }

  @Test
  void appendsAreReadableAtOnceDurableLaterAndSurviveAReopen() throws Exception {
    try (FileLogStore store = open(small())) {
      store.append(entries(1, 100, 1));
      store.saveHardState(new HardState(2, NodeId.of("n1")));
      store.append(entries(101, 120, 2));
      assertEquals(entry(7, 1), store.entry(7), "readable before it is durable");
      listener.awaitLogDurable(120, 2);
      assertEquals(entry(7, 1), store.entry(7), "read back from its segment: the cache is empty");
      assertEquals(entries(50, 60, 1), store.entries(50, 61, Long.MAX_VALUE));
    }
    assertTrue(segmentFiles().size() > 3, "1 KiB segments roll over: " + segmentFiles());
    assertTrue(listener.reportThreads().stream().allMatch(name -> name.startsWith("keel-log-writer")),
        "only the writer thread reports: " + listener.reportThreads());
    assertEquals(List.of(new HardState(2, NodeId.of("n1"))), listener.hardStateReports());
    try (FileLogStore store = open(small())) {
      assertEquals(120, store.lastIndex());
      assertEquals(new HardState(2, NodeId.of("n1")), store.hardState());
      for (long index = 1; index <= 120; index++) {
        assertEquals(entry(index, index <= 100 ? 1 : 2), store.entry(index));
      }
      assertEquals(List.of(), store.recoveryNotes());
    }
  }

  @Test
  void statsCountWritesSyncsAndLatencies() throws Exception {
    try (FileLogStore store = open(FileLogStoreOptions.defaults())) {
      assertEquals(0, store.stats().entriesWritten());
      store.append(entries(1, 50, 1));
      listener.awaitLogDurable(50, 1);
      store.append(entries(51, 60, 1));
      listener.awaitLogDurable(60, 1);
      StorageStats stats = store.stats();
      assertEquals(60, stats.entriesWritten());
      assertTrue(stats.bytesWritten() > 60 * entry(1, 1).command().length, "bytes: " + stats.bytesWritten());
      assertTrue(stats.syncs() >= 2, "one sync per batch at least: " + stats.syncs());
      assertEquals(stats.syncs(), stats.fsyncLatency().count());
      assertTrue(stats.appendLatency().count() >= 2 && stats.appendLatency().count() <= stats.syncs());
      assertTrue(stats.appendLatency().maxNanos() >= stats.fsyncLatency().p50Nanos() / 2,
          "an append waits at least for its sync: " + stats);
    }
  }

  @Test
  void truncationAndCompactionSurviveAReopen() throws Exception {
    try (FileLogStore store = open(small())) {
      store.append(entries(1, 60, 1));
      store.truncateSuffix(41);
      store.append(entries(41, 70, 3));
      store.compactPrefix(30, 1);
      assertEquals(31, store.firstIndex());
      assertEquals(1, store.term(30));
      listener.awaitLogDurable(70, 3);
    }
    try (FileLogStore store = open(small())) {
      assertEquals(31, store.firstIndex());
      assertEquals(70, store.lastIndex());
      assertEquals(1, store.term(30));
      assertEquals(entry(40, 1), store.entry(40));
      assertEquals(entry(41, 3), store.entry(41));
      store.compactPrefix(100, 4);
      assertEquals(101, store.firstIndex());
      assertEquals(100, store.lastIndex());
      store.append(List.of(entry(101, 4)));
    }
    assertEquals(List.of("segment-00000000000000000101.log"), segmentFiles(), "the whole old log is gone");
    try (FileLogStore store = open(small())) {
      assertEquals(101, store.firstIndex());
      assertEquals(4, store.term(100));
      assertEquals(entry(101, 4), store.entry(101));
    }
  }

  @Test
  void aSecondStoreCannotOpenTheSameDirectory() throws IOException {
    try (FileLogStore store = open(FileLogStoreOptions.defaults())) {
      assertEquals(dir, store.directory());
      IOException refusal = assertThrows(IOException.class, () -> open(FileLogStoreOptions.defaults()));
      assertTrue(refusal.getMessage().contains("in use by another store"), refusal.getMessage());
    }
    open(FileLogStoreOptions.defaults()).close();
  }

  @Test
  void aPathThatIsAFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("plain"), "x");
    IOException refusal = assertThrows(IOException.class,
        () -> FileLogStore.open(file, FileLogStoreOptions.defaults(), listener));
    assertTrue(refusal.getMessage().contains("not a directory"), refusal.getMessage());
  }

  @Test
  void theManifestRecordsTheHardStateAndHowFarTheLogIsDurable() throws Exception {
    try (FileLogStore store = open(small())) {
      store.append(entries(1, 30, 1));
      store.saveHardState(new HardState(2, NodeId.of("n2")));
      listener.awaitLogDurable(30, 1);
      store.append(entries(31, 40, 2));
      listener.awaitLogDurable(40, 2);
      Manifest manifest = Manifest.read(dir.resolve("manifest"));
      assertEquals(new HardState(2, NodeId.of("n2")), manifest.hardState());
      assertTrue(manifest.durableIndex() >= 30 && manifest.durableIndex() < 40,
          "saving the hard state recorded index 30, appends alone record nothing: " + manifest);
      List<String> segments = segmentFiles();
      assertEquals(segments.get(segments.size() - 1), SegmentFormat.fileName(manifest.newestSegment()));
    }
    assertEquals(new Manifest(new HardState(2, NodeId.of("n2")), MetaFiles.LogStart.ORIGIN,
        Manifest.read(dir.resolve("manifest")).newestSegment(), 40, 2), Manifest.read(dir.resolve("manifest")),
        "closing records the whole log durable");
  }

  @Test
  void aLogWithoutItsManifestIsRefused() throws Exception {
    try (FileLogStore store = open(small())) {
      store.append(entries(1, 3, 1));
    }
    Files.delete(dir.resolve("manifest"));
    CorruptLogException refusal = assertThrows(CorruptLogException.class, () -> open(small()));
    assertTrue(refusal.getMessage().contains("the manifest is missing, but the directory holds a log (1 segment"),
        refusal.getMessage());
    assertEquals(dir.resolve("manifest"), refusal.file());
  }

  @Test
  void aCorruptManifestIsRefused() throws Exception {
    open(small()).close();
    byte[] bytes = Files.readAllBytes(dir.resolve("manifest"));
    bytes[13] ^= 1;
    Files.write(dir.resolve("manifest"), bytes);
    CorruptLogException refusal = assertThrows(CorruptLogException.class, () -> open(small()));
    assertTrue(refusal.getMessage().contains("CRC mismatch"), refusal.getMessage());
  }

  @Test
  void aSegmentOfAnotherFormatVersionIsRefused() throws Exception {
    try (FileLogStore store = open(small())) {
      store.append(entries(1, 3, 1));
    }
    Path segment = dir.resolve("segment-00000000000000000001.log");
    byte[] bytes = Files.readAllBytes(segment);
    java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(bytes);
    header.putInt(4, 2);
    header.putInt(28, SegmentFormat.crc(bytes, 0, 28));
    Files.write(segment, bytes);
    CorruptLogException refusal = assertThrows(CorruptLogException.class, () -> open(small()));
    assertTrue(refusal.getMessage().contains("format version 2 is not supported"), refusal.getMessage());
  }

  @Test
  void invalidCallsAreRefusedAndChangeNothing() throws IOException {
    try (FileLogStore store = open(small())) {
      store.append(entries(1, 3, 2));
      assertThrows(IllegalArgumentException.class, () -> store.append(List.of(entry(5, 2))));
      assertThrows(IllegalArgumentException.class, () -> store.append(List.of(entry(4, 1))));
      assertThrows(IllegalArgumentException.class, () -> store.truncateSuffix(0));
      assertThrows(IllegalArgumentException.class, () -> store.truncateSuffix(5));
      assertThrows(IllegalArgumentException.class, () -> store.compactPrefix(0, 1));
      assertThrows(IndexOutOfBoundsException.class, () -> store.entry(4));
      assertThrows(IndexOutOfBoundsException.class, () -> store.term(4));
      assertEquals(3, store.lastIndex());
    }
  }

  @Test
  void writesAfterCloseAreRefused() throws IOException {
    FileLogStore store = open(small());
    store.close();
    assertThrows(LogStoreFailedException.class, () -> store.append(List.of(entry(1, 1))));
  }

  @Test
  void optionsOutOfRangeNameTheFieldAndRange() {
    IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class,
        () -> FileLogStoreOptions.defaults().withSegmentSizeBytes(10));
    assertEquals("segmentSizeBytes must be in [1024, 1073741824], got 10", refusal.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FileLogStoreOptions.defaults().withMaxBatchEntries(0));
    assertThrows(IllegalArgumentException.class, () -> FileLogStoreOptions.defaults().withMaxBatchBytes(1));
    assertThrows(IllegalArgumentException.class, () -> FileLogStoreOptions.defaults().withCacheBytes(-1));
  }
}

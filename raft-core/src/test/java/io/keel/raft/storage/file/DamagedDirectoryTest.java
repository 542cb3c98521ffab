package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory that lost or gained files never opens as clean: each kind of damage is refused with
 * an error naming the file and what is missing, and the inspector reports it with exit code 1 and
 * no stack trace. Damage a crash leaves is still repaired.
 */
class DamagedDirectoryTest {

  @TempDir
  Path dir;

  private static final HardState TERM_3 = new HardState(3, NodeId.of("n2"));

  private static FileLogStoreOptions small() {
    return FileLogStoreOptions.defaults().withSegmentSizeBytes(1024);
  }

  /** 60 entries over several 1 KiB segments, hard state term 3, closed. */
  private List<Path> writeLog() throws IOException {
    try (FileLogStore store = FileLogStore.open(dir, small(), new RecordingListener())) {
      store.append(FileLogStoreTest.entries(1, 40, 1));
      store.saveHardState(TERM_3);
      store.append(FileLogStoreTest.entries(41, 60, 3));
    }
    List<Path> segments = LogDirectories.segments(dir);
    assertTrue(segments.size() >= 3, "several segments: " + segments);
    return segments;
  }

  /** Opening is refused with a message holding {@code fragments}; the inspector reports the same. */
  private CorruptLogException assertRefused(Path file, String... fragments) {
    CorruptLogException refusal = assertThrows(CorruptLogException.class,
        () -> FileLogStore.open(dir, small(), new RecordingListener()).close());
    for (String fragment : fragments) {
      assertTrue(refusal.getMessage().contains(fragment), "'" + fragment + "' in: " + refusal.getMessage());
    }
    assertEquals(file, refusal.file(), refusal.getMessage());
    String report = assertInspected(1);
    assertTrue(report.contains("damage (refuses to open): " + refusal.getMessage()), report);
    assertTrue(report.contains("verdict: CORRUPT, the store will not open"), report);
    return refusal;
  }

  /** Runs the inspector, which must exit with {@code code}, print nothing on stderr, and end with a verdict. */
  private String assertInspected(int code) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = LogInspector.run(new String[] {"inspect", dir.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String report = out.toString(StandardCharsets.UTF_8);
    assertEquals("", err.toString(StandardCharsets.UTF_8), "nothing on stderr");
    assertEquals(code, exit, report);
    assertTrue(report.contains("verdict: "), report);
    return report;
  }

  @Test
  void deletingTheLastSegmentIsRefusedNamingItAndTheMissingEntries() throws Exception {
    List<Path> segments = writeLog();
    Path last = segments.get(segments.size() - 1);
    long base = SegmentFormat.baseIndexOf(last.getFileName().toString());
    Files.delete(last);
    assertRefused(last, "the segment is missing", "newest segment", "entries " + base + "..60 at least are missing");
  }

  @Test
  void deletingEverySegmentWhileTheManifestRemainsIsRefused() throws Exception {
    List<Path> segments = writeLog();
    for (Path segment : segments) {
      Files.delete(segment);
    }
    assertRefused(segments.get(segments.size() - 1), "no segment remains", "entries 1..60 at least are missing");
  }

  @Test
  void aMissingSegmentInTheMiddleIsRefusedNamingTheGap() throws Exception {
    List<Path> segments = writeLog();
    Path second = segments.get(1);
    Path third = segments.get(2);
    long from = SegmentFormat.baseIndexOf(second.getFileName().toString());
    long to = SegmentFormat.baseIndexOf(third.getFileName().toString()) - 1;
    Files.delete(second);
    assertRefused(third, "entries " + from + ".." + to + " are missing");
  }

  @Test
  void aMissingFirstSegmentIsRefused() throws Exception {
    List<Path> segments = writeLog();
    long next = SegmentFormat.baseIndexOf(segments.get(1).getFileName().toString());
    Files.delete(segments.get(0));
    assertRefused(segments.get(1), "entries 1.." + (next - 1) + " are missing");
  }

  @Test
  void aCutIntoEntriesRecordedDurableIsRefused() throws Exception {
    List<Path> segments = writeLog();
    Path last = segments.get(segments.size() - 1);
    LogDirectories.truncate(last, Files.size(last) - 3);
    CorruptLogException refusal = assertRefused(last, "damaged record", "entries 60..60 are missing");
    assertTrue(refusal.offset() > 0, refusal.getMessage());
  }

  @Test
  void aFileNamedForAnIndexBeyondTheLargestIsRefused() throws Exception {
    writeLog();
    Path stray = Files.writeString(dir.resolve("segment-99999999999999999999.log"), "stray");
    assertRefused(stray, "the base index 99999999999999999999 in the file name is beyond the largest log index");
  }

  @Test
  void aFileNamedForAnIndexBeyondTheLargestIsRefusedInAnEmptyDirectory() throws Exception {
    Path stray = Files.createFile(dir.resolve("segment-99999999999999999999.log"));
    assertRefused(stray, "beyond the largest log index");
  }

  @Test
  void misnamedAndUnknownFilesAndDirectoriesAreRefused() throws Exception {
    writeLog();
    Path misnamed = Files.writeString(dir.resolve("segment-1.log"), "x");
    Path unknown = Files.writeString(dir.resolve("notes.txt"), "x");
    Path directory = Files.createDirectory(dir.resolve("segment-00000000000000000100.log"));
    CorruptLogException refusal = assertRefused(unknown, "an unknown file in the log directory");
    List<String> problems = Stream.concat(Stream.of(refusal), Arrays.stream(refusal.getSuppressed()))
        .map(Throwable::getMessage).toList();
    assertEquals(List.of(refusal.getMessage(), directory + ": not a regular file (a directory); a log directory holds "
        + "only the store's own files", misnamed + ": not a valid segment file name: a segment is named "
        + "segment-<base index in 20 digits>.log"), problems);
    String report = assertInspected(1);
    assertTrue(report.contains("verdict: CORRUPT, the store will not open (3 problems)"), report);
  }

  @Test
  void aSegmentCopiedUnderAnotherNameIsRefused() throws Exception {
    List<Path> segments = writeLog();
    Path copy = dir.resolve(SegmentFormat.fileName(500));
    Files.copy(segments.get(0), copy);
    assertRefused(copy, "the header names base index 1", "but the file name says 500");
  }

  @Test
  void aMissingManifestIsRefusedEvenWhenTheLogIsEmpty() throws Exception {
    try (FileLogStore store = FileLogStore.open(dir, small(), new RecordingListener())) {
      store.saveHardState(TERM_3);
    }
    Files.delete(dir.resolve(Manifest.FILE_NAME));
    assertRefused(dir.resolve(Manifest.FILE_NAME), "the lock file shows that a store has kept its log here");
  }

  @Test
  void aManifestOfALaterFormatIsRefused() throws Exception {
    writeLog();
    Path manifest = dir.resolve(Manifest.FILE_NAME);
    byte[] bytes = Files.readAllBytes(manifest);
    ByteBuffer.wrap(bytes).putInt(4, 3).putInt(bytes.length - 4, SegmentFormat.crc(bytes, 0, bytes.length - 4));
    Files.write(manifest, bytes);
    assertRefused(manifest, "format version 3 is not supported; this build reads manifest files of version 2");
  }

  @Test
  void aTornTailAfterACrashIsStillCut() throws Exception {
    RecordingListener listener = new RecordingListener();
    Path image;
    try (FileLogStore store = FileLogStore.open(dir, small(), listener)) {
      store.append(FileLogStoreTest.entries(1, 60, 1));
      listener.awaitLogDurable(60, 1);
      image = LogDirectories.copy(dir);
    }
    try {
      List<Path> segments = LogDirectories.segments(image);
      Path last = segments.get(segments.size() - 1);
      LogDirectories.truncate(last, Files.size(last) - 3);
      try (FileLogStore store = FileLogStore.open(image, small(), new RecordingListener())) {
        assertEquals(59, store.lastIndex());
        assertEquals(FileLogStoreTest.entry(59, 1), store.entry(59));
        assertTrue(store.recoveryNotes().get(0).contains("torn write at offset"), store.recoveryNotes().toString());
      }
    } finally {
      LogDirectories.deleteRecursively(image);
    }
  }

  @Test
  void leftoversOfInterruptedStepsAreRemoved() throws Exception {
    writeLog();
    Files.writeString(dir.resolve("manifest.tmp"), "half a manifest");
    Path nextSegment = dir.resolve(SegmentFormat.fileName(61));
    Files.write(nextSegment, SegmentFormat.encodeHeader(61, 3).array());
    String report = assertInspected(1);
    assertTrue(report.contains("verdict: repairable"), report);
    try (FileLogStore store = FileLogStore.open(dir, small(), new RecordingListener())) {
      assertEquals(60, store.lastIndex());
      assertEquals(2, store.recoveryNotes().size(), store.recoveryNotes().toString());
      assertTrue(store.recoveryNotes().get(1).contains("newer than the newest segment the manifest records"),
          store.recoveryNotes().toString());
    }
    assertFalse(Files.exists(nextSegment));
    assertFalse(Files.exists(dir.resolve("manifest.tmp")));
    assertInspected(0);
  }

  @Test
  void aVersion1DirectoryOpensAndIsUpgraded() throws Exception {
    try (FileLogStore store = FileLogStore.open(dir, small(), new RecordingListener())) {
      store.append(FileLogStoreTest.entries(1, 60, 1));
      store.saveHardState(TERM_3);
      store.compactPrefix(20, 1);
    }
    LogDirectories.downgradeToVersion1(dir);
    assertEquals(List.of("hardstate", "lock", "logstart"), LogDirectories.names(dir).stream()
        .filter(name -> !name.startsWith("segment-")).toList());
    String report = assertInspected(0);
    assertTrue(report.contains("format version 1 (no manifest): opening upgrades it to version 2"), report);
    try (FileLogStore store = FileLogStore.open(dir, small(), new RecordingListener())) {
      assertEquals(TERM_3, store.hardState());
      assertEquals(21, store.firstIndex());
      assertEquals(60, store.lastIndex());
      assertEquals(FileLogStoreTest.entry(21, 1), store.entry(21));
      assertTrue(store.recoveryNotes().get(0).startsWith("upgraded from format version 1 to 2"),
          store.recoveryNotes().toString());
    }
    assertEquals(List.of("lock", "manifest"), LogDirectories.names(dir).stream()
        .filter(name -> !name.startsWith("segment-")).toList());
    Manifest manifest = Manifest.read(dir.resolve(Manifest.FILE_NAME));
    assertEquals(60, manifest.durableIndex());
    assertEquals(new MetaFiles.LogStart(20, 1), manifest.start());
    List<Path> segments = LogDirectories.segments(dir);
    Files.delete(segments.get(segments.size() - 1));
    assertRefused(segments.get(segments.size() - 1), "the segment is missing");
  }
}

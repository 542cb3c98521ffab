package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogInspectorTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int inspect(String... args) {
    return LogInspector.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private void writeLog() throws Exception {
    try (FileLogStore store = FileLogStore.open(dir, FileLogStoreOptions.defaults().withSegmentSizeBytes(2048),
        new RecordingListener())) {
      for (long index = 1; index <= 60; index++) {
        store.append(List.of(LogEntry.command(index, index <= 30 ? 1 : 2, CrashChild.command(index, 1, 0))));
      }
      store.saveHardState(new HardState(2, NodeId.of("n3")));
      store.compactPrefix(10, 1);
    }
  }

  /**
   * Leaves in {@code dir} what a crash leaves: entries 51 to 60 appended after the last hard-state
   * save and compaction, durable but not recorded so in the manifest.
   */
  private void writeLogAndCrash() throws Exception {
    Path origin = Files.createTempDirectory("keel-inspect");
    RecordingListener listener = new RecordingListener();
    try (FileLogStore store = FileLogStore.open(origin, FileLogStoreOptions.defaults().withSegmentSizeBytes(2048),
        listener)) {
      for (long index = 1; index <= 50; index++) {
        store.append(List.of(LogEntry.command(index, index <= 30 ? 1 : 2, CrashChild.command(index, 1, 0))));
      }
      store.saveHardState(new HardState(2, NodeId.of("n3")));
      store.compactPrefix(10, 1);
      store.append(LongStream.rangeClosed(51, 60)
          .mapToObj(index -> LogEntry.command(index, 2, CrashChild.command(index, 1, 0))).toList());
      listener.awaitLogDurable(60, 2);
      for (Path file : LogDirectories.segments(origin)) {
        Files.copy(file, dir.resolve(file.getFileName()));
      }
      Files.copy(origin.resolve("manifest"), dir.resolve("manifest"));
    } finally {
      LogDirectories.deleteRecursively(origin);
    }
  }

  @Test
  void aCleanLogIsDescribedAndExitsZero() throws Exception {
    writeLog();
    assertEquals(0, inspect("inspect", dir.toString()));
    String report = out.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("hard state: term 2, voted for n3"), report);
    assertTrue(report.contains("log start: after 10@1"), report);
    assertTrue(report.contains("log: indexes 11..60 (50 entries), terms 1..2"), report);
    assertTrue(report.contains("format version 2"), report);
    assertTrue(report.contains("manifest: newest segment segment-"), report);
    assertTrue(report.contains(", durable through 60@2"), report);
    assertTrue(report.contains("segment-00000000000000000001.log  base 1  entries"), report);
    assertTrue(report.contains("verdict: clean"), report);
  }

  @Test
  void aTornTailIsReportedWithoutBeingRepaired() throws Exception {
    writeLogAndCrash();
    Path last;
    try (var files = Files.list(dir)) {
      last = files.filter(file -> file.getFileName().toString().startsWith("segment-")).sorted()
          .reduce((first, second) -> second).orElseThrow();
    }
    long size = Files.size(last);
    try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE)) {
      channel.truncate(size - 5);
    }
    assertEquals(1, inspect("inspect", dir.toString()));
    String report = out.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("damage (repaired on open): " + last.getFileName() + ": torn write at offset"), report);
    assertTrue(report.contains("log: indexes 11..59"), report);
    assertTrue(report.contains("manifest: newest segment " + last.getFileName() + ", durable through "), report);
    assertTrue(report.contains("verdict: repairable, opening the store repairs it"), report);
    assertEquals(size - 5, Files.size(last), "inspect changes nothing");
  }

  @Test
  void corruptionIsReportedWithFileAndOffset() throws Exception {
    writeLog();
    Path first = dir.resolve("segment-00000000000000000001.log");
    byte[] bytes = Files.readAllBytes(first);
    bytes[100] ^= 0x10;
    Files.write(first, bytes);
    assertEquals(1, inspect("inspect", dir.toString()));
    String report = out.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("damage (refuses to open): " + first + " at offset "), report);
    assertTrue(report.contains("verdict: CORRUPT"), report);
  }

  @Test
  void badArgumentsPrintUsageAndExitTwo() throws Exception {
    assertEquals(2, inspect());
    assertEquals(2, inspect("list", dir.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: keel-log inspect DIR"));
    assertEquals(2, inspect("inspect", dir.resolve("missing").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not a directory"));
  }
}

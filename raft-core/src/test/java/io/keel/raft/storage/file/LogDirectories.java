package io.keel.raft.storage.file;

import io.keel.raft.HardState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What the storage tests do to log directories: copy, list, cut, delete, and write format 1 files. */
final class LogDirectories {

  private LogDirectories() {}

  /** The segment files of {@code dir}, by name (and so by base index). */
  static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.getFileName().toString().startsWith("segment-")).sorted().toList();
    }
  }

  /** Every file name in {@code dir}, sorted. */
  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  /** A new temporary directory holding a copy of every file of {@code dir}. */
  static Path copy(Path dir) throws IOException {
    Path copy = Files.createTempDirectory("keel-log-copy");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.copy(file, copy.resolve(file.getFileName()));
      }
    }
    return copy;
  }

  static void truncate(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Turns a closed format 2 directory back into format 1, byte by byte as docs/storage.md gives
   * format 1: the manifest is replaced by {@code hardstate} and, after a compaction, {@code logstart}.
   */
  static void downgradeToVersion1(Path dir) throws IOException {
    Manifest manifest = Manifest.read(dir.resolve(Manifest.FILE_NAME));
    HardState state = manifest.hardState();
    byte[] vote = state.votedFor() == null ? new byte[0] : state.votedFor().value().getBytes(StandardCharsets.UTF_8);
    writeVersion1(dir.resolve("hardstate"), 0x4B485354,
        ByteBuffer.allocate(10 + vote.length).putLong(state.term()).putShort((short) vote.length).put(vote).array());
    if (manifest.start().index() > 0) {
      writeVersion1(dir.resolve("logstart"), 0x4B4C5354,
          ByteBuffer.allocate(16).putLong(manifest.start().index()).putLong(manifest.start().term()).array());
    }
    Files.delete(dir.resolve(Manifest.FILE_NAME));
    Files.write(dir.resolve(DirectoryLock.FILE_NAME), new byte[0]);
  }

  private static void writeVersion1(Path file, int magic, byte[] payload) throws IOException {
    ByteBuffer content = ByteBuffer.allocate(16 + payload.length);
    content.putInt(magic).putInt(1).putInt(payload.length).put(payload);
    content.putInt(SegmentFormat.crc(content.array(), 0, content.position()));
    Files.write(file, content.array());
  }
}

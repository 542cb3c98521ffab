package io.keel.kv.rocks;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Small file-system steps that a crash must not tear: forced writes, atomic renames, directory syncs. */
final class Durable {

  private Durable() {}

  /** Forces {@code dir}'s entries (names created, renamed or removed in it) to disk. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Writes {@code bytes} as {@code file}, replacing it atomically: a crash leaves the old file or the new one. */
  static void replaceFile(Path file, byte[] bytes) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(java.nio.ByteBuffer.wrap(bytes));
      channel.force(true);
    }
    rename(temporary, file);
  }

  /** Renames {@code from} to {@code to} atomically, replacing {@code to}, and syncs the directory. */
  static void rename(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("this file system cannot rename " + from + " atomically", e);
    }
    syncDirectory(to.toAbsolutePath().getParent());
  }

  /**
   * Puts {@code file} at {@code into} as a hard link (as a copy on a file system without them, or
   * with {@code copy}), forced to disk: a checkpoint's files may not be forced yet.
   */
  static void place(Path file, Path into, boolean copy) throws IOException {
    boolean linked = false;
    if (!copy) {
      try {
        Files.createLink(into, file);
        linked = true;
      } catch (UnsupportedOperationException | FileSystemException e) {
        linked = false; // another file system, or no links: copy instead
      }
    }
    if (!linked) {
      Files.copy(file, into);
    }
    try (FileChannel channel = FileChannel.open(into, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /**
   * Places every file of {@code from} into {@code into} ({@link #place}), copying those whose name
   * {@code copied} accepts and linking the rest, then forces {@code into}.
   *
   * @throws IOException also if a file of {@code from} vanishes meanwhile, naming it
   */
  static void placeAll(Path from, Path into, Predicate<String> copied) throws IOException {
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        place(file, into.resolve(name), copied.test(name));
      }
    } catch (NoSuchFileException e) {
      throw new IOException(from + " lost a file while it was placed in " + into + ": " + e.getMessage(), e);
    }
    syncDirectory(into);
  }

  /** Removes {@code path} and everything under it, if it exists. */
  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(each);
        } catch (NoSuchFileException gone) {
          // removed meanwhile: what we wanted
        }
      }
    }
  }
}

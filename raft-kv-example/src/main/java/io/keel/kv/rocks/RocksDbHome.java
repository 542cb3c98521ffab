package io.keel.kv.rocks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The directory that holds one replica's RocksDB databases. A restore from a snapshot builds a new
 * database beside the one in use and then switches to it, so the directory holds generations
 * ({@code db-1}, {@code db-2}, ...) and a pointer file, {@code CURRENT-DB}, naming the one in
 * use. The pointer is replaced atomically: a crash at any point of a restore leaves either the
 * old database in use or the new one, never a mix, and whatever else is found on open is a
 * leftover and removed. Checkpoints (snapshot views) are made in {@code checkpoints/}.
 */
final class RocksDbHome {

  private static final Pattern GENERATION = Pattern.compile("db-(\\d{1,18})");
  private static final String POINTER = "CURRENT-DB";

  private final Path dir;
  private final Path checkpoints;
  private long generation;
  private long checkpointCounter;

  private RocksDbHome(Path dir) {
    this.dir = dir;
    this.checkpoints = dir.resolve("checkpoints");
  }

  /**
   * Opens {@code dir}, making it and a first generation if new, and removes leftovers: generations
   * not in use, checkpoints of views never closed, restores a crash interrupted.
   *
   * @throws IOException if the pointer names no generation, or the directory cannot be read
   */
  static RocksDbHome open(Path dir) throws IOException {
    RocksDbHome home = new RocksDbHome(dir);
    Files.createDirectories(dir);
    Path pointer = dir.resolve(POINTER);
    if (Files.exists(pointer)) {
      String name = Files.readString(pointer, StandardCharsets.US_ASCII).trim();
      Matcher matcher = GENERATION.matcher(name);
      if (!matcher.matches() || !Files.isDirectory(dir.resolve(name))) {
        throw new IOException(pointer + " names \"" + name + "\", which is no database generation in " + dir);
      }
      home.generation = Long.parseLong(matcher.group(1));
    } else {
      home.generation = 1;
      Files.createDirectories(dir.resolve("db-1"));
      Durable.replaceFile(pointer, "db-1\n".getBytes(StandardCharsets.US_ASCII));
    }
    home.removeLeftovers();
    Files.createDirectories(home.checkpoints);
    return home;
  }

  private void removeLeftovers() throws IOException {
    Durable.deleteTree(checkpoints);
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        Matcher matcher = GENERATION.matcher(entry.getFileName().toString());
        if (matcher.matches() && Long.parseLong(matcher.group(1)) != generation) {
          Durable.deleteTree(entry);
        }
      }
    }
  }

  /** The database in use. */
  Path current() {
    return dir.resolve("db-" + generation);
  }

  /** A new, empty directory for the next generation; nothing points to it until {@link #switchTo}. */
  Path nextGeneration() throws IOException {
    Path next = dir.resolve("db-" + (generation + 1));
    Durable.deleteTree(next);
    Files.createDirectories(next);
    return next;
  }

  /**
   * Makes {@code next}, from {@link #nextGeneration()}, the database in use, durably.
   *
   * @return the generation no longer in use, to remove once its database is closed (a restart
   *     removes it too)
   */
  Path switchTo(Path next) throws IOException {
    Path old = current();
    Durable.replaceFile(dir.resolve(POINTER), (next.getFileName() + "\n").getBytes(StandardCharsets.US_ASCII));
    generation++;
    return old;
  }

  /** A path for a new checkpoint, which does not exist yet. */
  synchronized Path newCheckpoint() {
    return checkpoints.resolve("cp-" + (++checkpointCounter));
  }

  /**
   * Fills {@code target} with a checkpoint's files: the table and blob files, which RocksDB never
   * changes, as hard links; the rest (its manifest, options and logs, which an opened database
   * may write to) as copies. Each is forced to disk, then the directory.
   */
  static void linkCheckpoint(Path checkpoint, Path target) throws IOException {
    Durable.placeAll(checkpoint, target, name -> !(name.endsWith(".sst") || name.endsWith(".blob")));
  }
}

package io.keel.kv.rocks;

import io.keel.raft.snapshot.CorruptSnapshotException;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots kept as directories of files, each {@code snap-<index>-<term>/} holding {@code files/}
 * (a checkpoint's files, hard-linked), {@code manifest} (the payload's first bytes, {@link
 * FileArchive}) and {@code SNAPSHOT} ({@link LinkedSnapshotRecord}), written last. A new one is
 * built in {@code creating-<n>/} and renamed into place once complete and forced, so a crash
 * leaves the previous snapshot or the new one. The newest complete snapshot is the latest; older
 * ones are removed once no source reads them.
 *
 * <p>The payload's checksum is computed without reading files an earlier snapshot already read:
 * a file's CRC-32C is remembered by its identity (file key, size, modification time; a hard link
 * keeps all three), and the payload's is combined from the manifest's and the files' ({@link
 * Crc32c#combine}). Thread-safe.
 */
final class LinkedSnapshots {

  private static final Logger LOG = LoggerFactory.getLogger(LinkedSnapshots.class);
  private static final Pattern COMPLETE = Pattern.compile("snap-(\\d{1,19})-(\\d{1,19})");
  static final String RECORD = "SNAPSHOT";
  static final String MANIFEST = "manifest";
  static final String FILES = "files";

  private final Path dir;
  private SnapshotInfo latest;
  private long counter;
  private final Map<String, Integer> readers = new HashMap<>();
  private final Set<String> replaced = new HashSet<>();
  private Map<Object, Long> checksums = new HashMap<>();

  private LinkedSnapshots(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens {@code dir}: the newest complete snapshot is the latest; interrupted writes and older
   * snapshots are removed.
   *
   * @throws CorruptSnapshotException if the newest snapshot's record or files are damaged: it is
   *     never replaced by an older one, since the log may be compacted past that
   */
  static LinkedSnapshots open(Path dir) throws IOException {
    Files.createDirectories(dir);
    LinkedSnapshots snapshots = new LinkedSnapshots(dir);
    List<Path> complete = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        if (COMPLETE.matcher(entry.getFileName().toString()).matches() && Files.exists(entry.resolve(RECORD))) {
          complete.add(entry);
        } else {
          Durable.deleteTree(entry); // an interrupted write, or a snapshot whose record never landed
        }
      }
    }
    complete.sort((a, b) -> Long.compare(indexOf(b), indexOf(a)));
    for (int i = 1; i < complete.size(); i++) {
      Durable.deleteTree(complete.get(i));
    }
    if (!complete.isEmpty()) {
      snapshots.latest = snapshots.check(complete.get(0));
    }
    return snapshots;
  }

  private static long indexOf(Path snapshot) {
    Matcher matcher = COMPLETE.matcher(snapshot.getFileName().toString());
    return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
  }

  /** Reads and checks a snapshot's record and that its files are there with the sizes the manifest says. */
  private SnapshotInfo check(Path snapshot) throws IOException {
    String name = snapshot.getFileName().toString();
    try {
      SnapshotInfo info = LinkedSnapshotRecord.decode(Files.readAllBytes(snapshot.resolve(RECORD)), name);
      FileArchive archive = manifestOf(snapshot, info.sizeBytes());
      for (FileArchive.Entry entry : archive.entries()) {
        Path file = snapshot.resolve(FILES).resolve(entry.name());
        if (!Files.isRegularFile(file) || Files.size(file) != entry.size()) {
          throw new IOException(file + " is missing or not " + entry.size() + " bytes long");
        }
      }
      return info;
    } catch (IOException e) {
      CorruptSnapshotException damaged = new CorruptSnapshotException(snapshot, -1, "damaged: " + e.getMessage());
      damaged.initCause(e);
      throw damaged;
    }
  }

  static FileArchive manifestOf(Path snapshot, long payloadSize) throws IOException {
    try (InputStream in = Files.newInputStream(snapshot.resolve(MANIFEST))) {
      FileArchive archive = FileArchive.readManifest(in, payloadSize);
      if (in.read() >= 0) {
        throw new IOException("bytes trail the manifest of " + snapshot);
      }
      return archive;
    }
  }

  synchronized Optional<SnapshotInfo> latest() {
    return Optional.ofNullable(latest);
  }

  /** A new directory to build a snapshot in, with its empty {@code files/}. */
  synchronized Path newBuild() throws IOException {
    Path build = dir.resolve("creating-" + (++counter));
    Durable.deleteTree(build);
    Files.createDirectories(build.resolve(FILES));
    return build;
  }

  /** A payload's size and CRC-32C. */
  record Payload(long size, long checksum) {}

  /** Fills {@code build} from a checkpoint: links its files, writes the manifest; returns the payload's size and checksum. */
  Payload linkFrom(Path checkpoint, Path build) throws IOException {
    Path files = build.resolve(FILES);
    Durable.placeAll(checkpoint, files, name -> false);
    FileArchive archive = FileArchive.of(files);
    byte[] manifest = archive.manifest();
    Durable.replaceFile(build.resolve(MANIFEST), manifest);
    return new Payload(archive.size(), checksum(manifest, archive, files));
  }

  private long checksum(byte[] manifest, FileArchive archive, Path files) throws IOException {
    long crc = Crc32c.of(manifest);
    Map<Object, Long> kept = new HashMap<>();
    for (FileArchive.Entry entry : archive.entries()) {
      Path file = files.resolve(entry.name());
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      Object identity = attributes.fileKey() == null ? null
          : List.of(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
      Long known;
      synchronized (this) {
        known = identity == null ? null : checksums.get(identity);
      }
      long fileCrc = known != null ? known : Crc32c.of(file);
      if (identity != null) {
        kept.put(identity, fileCrc);
      }
      crc = Crc32c.combine(crc, fileCrc, entry.size());
    }
    synchronized (this) {
      checksums = kept; // only the newest snapshot's files: those the next one shares
    }
    return crc;
  }

  /** Fills {@code build} from a payload stream: its manifest, then its files, unpacked. */
  void unpackFrom(InputStream payload, long size, Path build) throws IOException {
    FileArchive archive = FileArchive.readManifest(payload, size);
    archive.unpack(payload, build.resolve(FILES));
    Durable.replaceFile(build.resolve(MANIFEST), archive.manifest());
  }

  /**
   * Completes {@code build} as the snapshot {@code meta} of {@code size} bytes with checksum
   * {@code checksum} and makes it the latest; older snapshots are removed once no source reads them.
   *
   * @throws IllegalStateException if a snapshot at or after {@code meta}'s index was installed meanwhile
   */
  synchronized SnapshotInfo install(Path build, SnapshotMeta meta, long size, long checksum) throws IOException {
    if (latest != null && latest.lastIndex() >= meta.lastIndex()) {
      Durable.deleteTree(build);
      throw new IllegalStateException("snapshot " + latest.meta() + " was installed meanwhile; " + meta + " is discarded");
    }
    Durable.replaceFile(build.resolve(RECORD), LinkedSnapshotRecord.encode(meta, size, checksum));
    Durable.syncDirectory(build);
    String name = "snap-" + meta.lastIndex() + "-" + meta.lastTerm();
    Durable.rename(build, dir.resolve(name));
    SnapshotInfo previous = latest;
    latest = new SnapshotInfo(meta, size, checksum, name);
    if (previous != null) {
      retire(previous.name());
    }
    return latest;
  }

  /** Removes every snapshot, once no source reads it: a newer one is kept elsewhere. */
  synchronized void clear() throws IOException {
    if (latest != null) {
      retire(latest.name());
      latest = null;
    }
  }

  private void retire(String name) throws IOException {
    if (readers.getOrDefault(name, 0) > 0) {
      replaced.add(name); // removed when its last source closes
    } else {
      Durable.deleteTree(dir.resolve(name));
    }
  }

  /** The directory of the snapshot {@code info}, marked as read until {@link #closed} is called for it. */
  synchronized Path opened(SnapshotInfo info) throws IOException {
    if (latest == null || !latest.equals(info)) {
      throw new java.nio.file.NoSuchFileException(dir.resolve(info.name()).toString(),
          null, "the store no longer holds snapshot " + info);
    }
    readers.merge(info.name(), 1, Integer::sum);
    return dir.resolve(info.name());
  }

  /** A source of {@code name} closed: the snapshot is removed if it was replaced and no other source reads it. */
  synchronized void closed(String name) {
    int left = readers.merge(name, -1, Integer::sum);
    if (left <= 0) {
      readers.remove(name);
      if (replaced.remove(name)) {
        try {
          Durable.deleteTree(dir.resolve(name));
        } catch (IOException e) {
          LOG.warn("removing the replaced snapshot {} failed; it is removed when the node next starts", name, e);
        }
      }
    }
  }

  /** Whether {@code info} names one of these snapshots. */
  static boolean isLinked(SnapshotInfo info) {
    return COMPLETE.matcher(info.name()).matches();
  }
}

package io.keel.raft.storage.file;

import io.keel.raft.snapshot.CorruptSnapshotException;
import io.keel.raft.snapshot.SnapshotInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * What opening a snapshot directory finds, and what it must remove, before anything is changed
 * (docs/storage.md, "Snapshots", lists the rules). Every file must belong; the newest snapshot must
 * be whole and intact (never is an older one used instead); older snapshots, temporary files and
 * parts of received snapshots that are no longer wanted are left by interrupted writes and go; the
 * part of a received snapshot newer than the latest stays, with the durable position its progress
 * file records, for a receive to resume.
 */
final class SnapshotRecovery {

  /** The part of a received snapshot kept on disk: its header and how many payload bytes are durable. */
  record Partial(Path file, Path progress, SnapshotFormat.Header header, ReceiveProgress.Position durable) {}

  /**
   * What opening will do.
   *
   * @param latest the newest snapshot, or null if there is none
   * @param partial a received snapshot's part to keep, or null
   * @param toDelete leftovers to remove, in this order
   * @param notes what is removed and why, for the store's recovery notes
   * @param needsMark whether the lock file must be marked: the directory holds a snapshot
   */
  record Plan(SnapshotInfo latest, Partial partial, List<Path> toDelete, List<String> notes, boolean needsMark) {}

  private final Path dir;
  private final FileSnapshotStoreOptions options;
  private final TreeMap<Long, Path> snapshots = new TreeMap<>();
  private final TreeMap<Long, Path> partials = new TreeMap<>();
  private final TreeMap<Long, Path> progressFiles = new TreeMap<>();
  private final List<Path> toDelete = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<CorruptSnapshotException> problems = new ArrayList<>();

  private SnapshotRecovery(Path dir, FileSnapshotStoreOptions options) {
    this.dir = dir;
    this.options = options;
  }

  /**
   * Reads {@code dir}, whose lock file (held) holds {@code lockContent}, and plans its opening.
   *
   * @throws CorruptSnapshotException if the directory must not be opened: the first problem, with
   *     any others suppressed in it
   */
  static Plan plan(Path dir, String lockContent, FileSnapshotStoreOptions options) throws IOException {
    SnapshotRecovery recovery = new SnapshotRecovery(dir, options);
    recovery.list();
    boolean marked = recovery.checkLock(lockContent);
    SnapshotInfo latest = recovery.checkNewest(marked);
    Partial partial = recovery.sortPartials(latest == null ? -1 : latest.lastIndex());
    if (!recovery.problems.isEmpty()) {
      CorruptSnapshotException refusal = recovery.problems.get(0);
      recovery.problems.stream().skip(1).forEach(refusal::addSuppressed);
      throw refusal;
    }
    boolean wholeMark = lockContent.equals(FileSnapshotStore.LOCK_MARK);
    return new Plan(latest, partial, List.copyOf(recovery.toDelete), List.copyOf(recovery.notes),
        latest != null && !wholeMark);
  }

  private void list() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        classify(file);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void classify(Path file) {
    String name = file.getFileName().toString();
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      String kind = Files.isSymbolicLink(file) ? "a symbolic link" : Files.isDirectory(file) ? "a directory"
          : "a special file";
      problems.add(new CorruptSnapshotException(file, -1, "not a regular file (" + kind + "); a snapshot directory "
          + "holds only the store's own files"));
    } else if (name.equals(DirectoryLock.FILE_NAME)) {
      return;
    } else if (name.endsWith(MetaFiles.TEMP_SUFFIX)) {
      delete(file, "a temporary file of an interrupted write");
    } else if (SnapshotFormat.indexOf(name, SnapshotFormat.SNAPSHOT_SUFFIX) >= 0) {
      snapshots.put(SnapshotFormat.indexOf(name, SnapshotFormat.SNAPSHOT_SUFFIX), file);
    } else if (SnapshotFormat.indexOf(name, SnapshotFormat.PARTIAL_SUFFIX) >= 0) {
      partials.put(SnapshotFormat.indexOf(name, SnapshotFormat.PARTIAL_SUFFIX), file);
    } else if (SnapshotFormat.indexOf(name, SnapshotFormat.PROGRESS_SUFFIX) >= 0) {
      progressFiles.put(SnapshotFormat.indexOf(name, SnapshotFormat.PROGRESS_SUFFIX), file);
    } else if (name.startsWith(SnapshotFormat.PREFIX)) {
      problems.add(new CorruptSnapshotException(file, -1, "not a valid snapshot file name: the store names its files "
          + "snapshot-<last index in 20 digits, at most 9223372036854775807> with .snap, .partial or .progress"));
    } else {
      problems.add(new CorruptSnapshotException(file, -1, "an unknown file in the snapshot directory; the store "
          + "writes no such file and will not guess what it holds (move it out of the directory if it does not "
          + "belong there)"));
    }
  }

  /**
   * Whether the lock file is marked as a snapshot directory's. A mark cut short by a crash while it
   * was written (a part of it, or zeroes where the rest would be) counts as a mark, and is written
   * again: the mark is written only once a snapshot is durable. Anything else but nothing is a
   * problem.
   */
  private boolean checkLock(String content) {
    if (content.equals(FileSnapshotStore.LOCK_MARK)) {
      return true;
    }
    if (isTornMark(content)) {
      notes.add("the lock file's mark was cut short by a crash while it was written; it is written again");
      return true;
    }
    if (!content.isEmpty()) {
      problems.add(new CorruptSnapshotException(dir.resolve(DirectoryLock.FILE_NAME), -1, "the lock file holds \""
          + content.strip() + "\", not \"" + FileSnapshotStore.LOCK_MARK.strip() + "\": this is not a snapshot "
          + "directory (a log directory's lock file names the log)"));
    }
    return false;
  }

  private static boolean isTornMark(String content) {
    String mark = FileSnapshotStore.LOCK_MARK;
    if (content.isEmpty() || content.length() >= mark.length()) {
      return false;
    }
    for (int i = 0; i < content.length(); i++) {
      if (content.charAt(i) != mark.charAt(i) && content.charAt(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Checks the newest snapshot and plans the removal of the older ones; null if there is none. */
  private SnapshotInfo checkNewest(boolean marked) throws IOException {
    if (snapshots.isEmpty()) {
      if (marked) {
        problems.add(new CorruptSnapshotException(dir.resolve(DirectoryLock.FILE_NAME), -1, "the directory has held "
            + "a snapshot (its lock file is marked) but holds none: the latest snapshot was lost, and the store will "
            + "not open empty, since the log may have been compacted past it"));
      }
      return null;
    }
    long index = snapshots.lastKey();
    Path file = snapshots.get(index);
    for (Path older : snapshots.headMap(index).values()) {
      delete(older, "an older snapshot, left by an interrupted replacement (" + file.getFileName() + " is durable)");
    }
    try (FileChannel channel = options.fileIo().open(file, StandardOpenOption.READ)) {
      SnapshotFormat.Header header = checkComplete(file, channel, index, options.verifyOnOpen());
      return new SnapshotInfo(header.meta(), header.payloadBytes(), header.payloadCrc(),
          file.getFileName().toString());
    } catch (CorruptSnapshotException e) {
      problems.add(e);
      return null;
    }
  }

  /**
   * Checks that the snapshot file {@code file}, named for {@code index}, is whole: its header, its
   * length, and (if {@code verifyPayload}) its payload's CRC.
   */
  static SnapshotFormat.Header checkComplete(Path file, FileChannel channel, long index, boolean verifyPayload)
      throws IOException {
    SnapshotFormat.Header header = SnapshotFormat.readHeader(file, channel);
    if (header.meta().lastIndex() != index) {
      throw new CorruptSnapshotException(file, SnapshotFormat.FIXED_HEADER_BYTES, "the header records last index "
          + header.meta().lastIndex() + ", but the file is named for index " + index);
    }
    long size = channel.size();
    if (size != header.fileBytes()) {
      throw new CorruptSnapshotException(file, Math.min(size, header.fileBytes()), "the file has " + size
          + " bytes, but its header records " + header.headerBytes() + " header bytes and a payload of "
          + header.payloadBytes() + " (" + header.fileBytes() + " in all): it is "
          + (size < header.fileBytes() ? "cut short" : "followed by bytes that do not belong to it"));
    }
    if (verifyPayload) {
      long crc = payloadCrc(channel, header.headerBytes(), header.payloadBytes(), file);
      if (crc != header.payloadCrc()) {
        throw new CorruptSnapshotException(file, header.headerBytes(), "payload CRC mismatch: the payload's CRC-32C is "
            + Long.toHexString(crc) + ", the header records " + Long.toHexString(header.payloadCrc()));
      }
    }
    return header;
  }

  /** The CRC-32C of {@code length} bytes of {@code channel} from {@code offset}, read in bounded chunks. */
  static long payloadCrc(FileChannel channel, long offset, long length, Path file) throws IOException {
    CRC32C crc = new CRC32C();
    update(crc, channel, offset, length, file);
    return crc.getValue();
  }

  /** Feeds {@code length} bytes of {@code channel} from {@code offset} to {@code crc}, read in bounded chunks. */
  static void update(CRC32C crc, FileChannel channel, long offset, long length, Path file) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(length, 1 << 20));
    long done = 0;
    while (done < length) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
      int read = channel.read(buffer, offset + done);
      if (read < 0) {
        throw new CorruptSnapshotException(file, offset + done, "the file ends inside its payload");
      }
      crc.update(buffer.flip());
      done += read;
    }
  }

  /** Keeps the newest part of a received snapshot that is newer than {@code latestIndex}; plans the rest's removal. */
  private Partial sortPartials(long latestIndex) throws IOException {
    Long keep = partials.isEmpty() || partials.lastKey() <= latestIndex ? null : partials.lastKey();
    for (var entry : partials.entrySet()) {
      if (keep == null || entry.getKey() < keep) {
        delete(entry.getValue(), entry.getKey() <= latestIndex ? "the part of a received snapshot at or below the "
            + "latest" : "the part of a received snapshot replaced by a newer one");
      }
    }
    for (var entry : progressFiles.entrySet()) {
      if (keep == null || !entry.getKey().equals(keep)) {
        delete(entry.getValue(), "the progress of a received snapshot that is gone or no longer wanted");
      }
    }
    return keep == null ? null : checkPartial(partials.get(keep), progressFiles.get(keep), keep);
  }

  /** The kept part, or null if it is unusable (then it goes: it holds nothing the node relies on). */
  private Partial checkPartial(Path file, Path progress, long index) throws IOException {
    try {
      return readPartial(file, progress, index, options.fileIo());
    } catch (CorruptSnapshotException e) {
      delete(file, "the part of a received snapshot that cannot be resumed: " + e.getMessage());
      if (progress != null) {
        delete(progress, "the progress of that part");
      }
      return null;
    }
  }

  /**
   * The part of a received snapshot in {@code file}, named for {@code index}, with the durable
   * position its progress file {@code progress} (null if there is none) records.
   *
   * @throws CorruptSnapshotException if the part cannot be resumed: its header is incomplete or
   *     damaged (a receive interrupted before its header was durable), names another index, or
   *     the progress records more durable bytes than the file holds
   */
  static Partial readPartial(Path file, Path progress, long index, FileIo io) throws IOException {
    try (FileChannel channel = io.open(file, StandardOpenOption.READ)) {
      SnapshotFormat.Header header = SnapshotFormat.readHeader(file, channel);
      if (header.meta().lastIndex() != index) {
        throw new CorruptSnapshotException(file, SnapshotFormat.FIXED_HEADER_BYTES, "its header records last index "
            + header.meta().lastIndex() + ", but the file is named for index " + index);
      }
      ReceiveProgress.Position durable = ReceiveProgress.Position.START;
      if (progress != null) {
        try (FileChannel progressChannel = io.open(progress, StandardOpenOption.READ)) {
          durable = ReceiveProgress.read(progressChannel, index, header.payloadCrc());
        }
      }
      long held = channel.size() - header.headerBytes();
      if (durable.payloadBytes() > Math.min(held, header.payloadBytes())) {
        throw new CorruptSnapshotException(file, -1, "its progress file records " + durable.payloadBytes()
            + " durable payload bytes, but it holds " + held + " of " + header.payloadBytes());
      }
      return new Partial(file, progress, header, durable);
    }
  }

  private void delete(Path file, String why) {
    toDelete.add(file);
    notes.add("removed " + file.getFileName() + ": " + why);
  }
}

package io.keel.raft.storage.file;

import io.keel.raft.snapshot.CorruptSnapshotException;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import io.keel.raft.snapshot.SnapshotSource;
import io.keel.raft.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The durable {@link SnapshotStore} of production nodes: one directory, of its own (never the
 * log's), holding the latest snapshot as one file of a checksummed header and the payload
 * (docs/storage.md, "Snapshots", describes every byte and every crash point).
 *
 * <p>A snapshot is installed by renaming a file that is complete and forced into its place, then
 * forcing the directory; only then are older snapshots removed. A crash at any point therefore
 * leaves the previous snapshot or the new one, never neither and never a damaged one. A received
 * snapshot's part survives crashes too: its progress file records how much of it is durable.
 *
 * <p>Opening a directory takes its lock, removes what interrupted writes left (temporary files,
 * older snapshots, parts of received snapshots no longer wanted), and refuses, with a
 * {@link CorruptSnapshotException} naming the file, a damaged or incomplete latest snapshot, a file
 * that does not belong, or a directory that has held a snapshot and holds none. It never falls
 * back to an older snapshot: the log may already be compacted past it.
 *
 * <p>Its methods may be called from any thread. A sink that fails with an I/O error fails alone;
 * the store, and its latest snapshot, stay as they were.
 */
public final class FileSnapshotStore implements SnapshotStore {

  /** The content of the lock file of a directory that has held a snapshot. */
  static final String LOCK_MARK = "keel snapshot directory, format " + SnapshotFormat.VERSION + "\n";

  /** The store's counters, shared with its sinks and sources. */
  static final class Counters {
    final LongAdder created = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder syncs = new LongAdder();
    final LongAdder checksumFailures = new LongAdder();
    final LongAdder writeFailures = new LongAdder();
    final LongAdder cleanupFailures = new LongAdder();
    final LongAdder partialsDiscarded = new LongAdder();
  }

  private final Path dir;
  private final FileSnapshotStoreOptions options;
  private final DirectoryLock lock;
  private final List<String> recoveryNotes;
  private final Counters counters = new Counters();
  private volatile SnapshotInfo latest;
  private volatile boolean closed;
  private boolean marked;
  /** A received snapshot's part on disk that no sink is writing. */
  private ReceivedSnapshotSink.Retained retained;
  private ReceivedSnapshotSink receiving;
  private final Set<Long> creating = new HashSet<>();
  private final Set<FileSnapshotSink> openSinks = new HashSet<>();
  /** Files to remove at the next installation: replaced snapshots and parts whose removal failed. */
  private final Set<Path> leftovers = new LinkedHashSet<>();

  private FileSnapshotStore(Path dir, FileSnapshotStoreOptions options, DirectoryLock lock,
      SnapshotRecovery.Plan plan, boolean marked) {
    this.dir = dir;
    this.options = options;
    this.lock = lock;
    this.recoveryNotes = plan.notes();
    this.latest = plan.latest();
    this.marked = marked;
    this.retained = plan.partial() == null ? null : new ReceivedSnapshotSink.Retained(plan.partial(), null);
  }

  /**
   * Opens the snapshot directory {@code dir}, creating it if there is none.
   *
   * @throws CorruptSnapshotException if the latest snapshot is damaged or incomplete, a file does not
   *     belong in a snapshot directory, or the directory has held a snapshot and holds none; the
   *     first problem, naming its file, with the others suppressed in it
   * @throws IOException if the directory is not usable (not a directory, not writable, in use by
   *     another store) or cannot be read
   */
  public static FileSnapshotStore open(Path dir, FileSnapshotStoreOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException("cannot keep snapshots in " + dir + ": it is not a directory");
    }
    Files.createDirectories(dir);
    if (!Files.isReadable(dir) || !Files.isWritable(dir)) {
      throw new IOException("cannot keep snapshots in " + dir + ": the directory is not readable and writable");
    }
    DirectoryLock lock = DirectoryLock.acquire(dir, "snapshot directory", options.fileIo());
    try {
      String lockContent = lock.content(256);
      SnapshotRecovery.Plan plan = SnapshotRecovery.plan(dir, lockContent, options);
      for (Path file : plan.toDelete()) {
        options.fileIo().delete(file);
      }
      if (!plan.toDelete().isEmpty()) {
        MetaFiles.syncDirectory(dir, options.fileIo());
      }
      if (plan.needsMark()) {
        lock.mark(LOCK_MARK, true);
      }
      return new FileSnapshotStore(dir, options, lock, plan, plan.needsMark()
          || lockContent.equals(LOCK_MARK));
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** The directory this store keeps its snapshots in. */
  public Path directory() {
    return dir;
  }

  /** What opening found and removed: leftovers of interrupted writes, parts that could not be resumed. */
  public List<String> recoveryNotes() {
    return recoveryNotes;
  }

  /** What the store has written, and its failures; cheap, from any thread. */
  public SnapshotStoreStats stats() {
    return new SnapshotStoreStats(counters.created.sum(), counters.received.sum(), counters.bytesWritten.sum(),
        counters.syncs.sum(), counters.checksumFailures.sum(), counters.writeFailures.sum(),
        counters.cleanupFailures.sum(), counters.partialsDiscarded.sum());
  }

  @Override
  public Optional<SnapshotInfo> latest() {
    return Optional.ofNullable(latest);
  }

  @Override
  public synchronized SnapshotSink create(SnapshotMeta meta) throws IOException {
    checkOpen();
    checkNewer(meta);
    if (!creating.add(meta.lastIndex())) {
      throw new IllegalStateException("a snapshot at index " + meta.lastIndex() + " is already being created in "
          + dir);
    }
    try {
      CreatedSnapshotSink sink = CreatedSnapshotSink.start(this, meta,
          dir.resolve(SnapshotFormat.tempName(meta.lastIndex())));
      openSinks.add(sink);
      return sink;
    } catch (IOException e) {
      counters.writeFailures.increment();
      creating.remove(meta.lastIndex());
      throw e;
    }
  }

  @Override
  public synchronized SnapshotSink receive(SnapshotMeta meta, long size, long checksum) throws IOException {
    checkOpen();
    checkNewer(meta);
    SnapshotInfo.checkPayload(size, checksum);
    if (receiving != null) {
      try {
        receiving.close(); // keeps what it holds, for the new sink to resume if it is the same snapshot
      } catch (IOException e) {
        // the sink failed, and receiveFailed kept what is on disk
      }
    }
    ReceivedSnapshotSink.Retained part = retained;
    retained = null;
    try {
      receiving = ReceivedSnapshotSink.start(this, meta, size, checksum, part);
    } catch (IOException e) {
      counters.writeFailures.increment(); // what is left on disk is removed by the next receive or opening
      throw e;
    }
    openSinks.add(receiving);
    return receiving;
  }

  @Override
  public SnapshotSource open(SnapshotInfo info) throws IOException {
    Objects.requireNonNull(info, "info");
    checkOpen();
    long index = SnapshotFormat.indexOf(info.name(), SnapshotFormat.SNAPSHOT_SUFFIX);
    if (index < 0) {
      throw new IllegalArgumentException("not a snapshot of a file store: " + info);
    }
    Path file = dir.resolve(info.name());
    FileChannel channel;
    try {
      channel = options.fileIo().open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      SnapshotInfo now = latest;
      throw new NoSuchFileException(file.toString(), null, "the store no longer holds this snapshot; its latest is "
          + (now == null ? "none" : now.name()));
    }
    try {
      SnapshotFormat.Header header = SnapshotRecovery.checkComplete(file, channel, index, false);
      if (!header.isOf(info.meta(), info.sizeBytes(), info.checksum())) {
        throw new CorruptSnapshotException(file, 0, "the file holds snapshot " + header.meta() + " of "
            + header.payloadBytes() + " bytes with CRC-32C " + Long.toHexString(header.payloadCrc()) + ", not " + info);
      }
      return new FileSnapshotSource(this, info, file, channel, header.headerBytes());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Closes the store and releases its directory. Sinks still open end as a crash would end them:
   * a created snapshot is not installed (its file is removed at the next opening), a received one
   * keeps what was synced. Sources stay readable until they are closed. Idempotent.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    for (FileSnapshotSink sink : new ArrayList<>(openSinks)) {
      if (sink instanceof ReceivedSnapshotSink received) {
        received.endWithStore();
      } else {
        ((CreatedSnapshotSink) sink).endWithStore();
      }
    }
    openSinks.clear();
    lock.close();
  }

  @Override
  public String toString() {
    return "FileSnapshotStore[" + dir + ", latest " + (latest == null ? "none" : latest.name()) + "]";
  }

  // ------------------------------------------------------------ for the sinks and sources

  FileSnapshotStoreOptions options() {
    return options;
  }

  Counters counters() {
    return counters;
  }

  boolean isClosed() {
    return closed;
  }

  void syncDirectory() throws IOException {
    MetaFiles.syncDirectory(dir, options.fileIo());
    counters.syncs.increment();
  }

  /**
   * Installs a finished sink's file, complete and forced, as the latest snapshot {@code info}:
   * renames it into place and forces the directory, so that it is durable, and only then removes
   * what it replaces (the previous snapshot, a received snapshot's {@code progress} file, parts of
   * received snapshots it makes obsolete).
   *
   * @throws IllegalStateException if the store is closed or installed a snapshot at or after this
   *     one's index meanwhile; the sink's file is removed
   * @throws IOException if the rename or the directory's force fails; the latest snapshot stays the
   *     previous one
   */
  synchronized SnapshotInfo install(FileSnapshotSink sink, SnapshotInfo info, Path progress) throws IOException {
    forget(sink);
    SnapshotInfo previous = latest;
    if (closed || (previous != null && info.lastIndex() <= previous.lastIndex())) {
      discardQuietly(sink.file, progress);
      throw new IllegalStateException(closed ? "the snapshot store in " + dir + " is closed" : "snapshot " + info
          + " was discarded: the store installed " + previous + " meanwhile");
    }
    Path target = dir.resolve(info.name());
    try {
      options.fileIo().moveAtomically(sink.file, target);
    } catch (IOException e) {
      counters.writeFailures.increment();
      discardQuietly(sink.file, progress);
      throw e;
    }
    leftovers.remove(target);
    try {
      syncDirectory();
    } catch (IOException e) {
      counters.writeFailures.increment();
      leftovers.add(target); // perhaps durable, but not installed: a later installation removes it
      throw e;
    }
    latest = info;
    (progress == null ? counters.created : counters.received).increment();
    cleanUpAfter(info, previous, progress);
    return info;
  }

  /** Marks the lock file, and removes what the installation of {@code info} replaced. */
  private void cleanUpAfter(SnapshotInfo info, SnapshotInfo previous, Path progress) {
    if (!marked) {
      try {
        lock.mark(LOCK_MARK, true);
        marked = true;
        counters.syncs.increment();
      } catch (IOException e) {
        counters.cleanupFailures.increment(); // the next installation or opening marks it
      }
    }
    if (previous != null) {
      leftovers.add(dir.resolve(previous.name()));
    }
    if (progress != null) {
      leftovers.add(progress);
    }
    if (retained != null && retained.partial().header().meta().lastIndex() <= info.lastIndex()) {
      leftovers.add(retained.partial().file());
      if (retained.partial().progress() != null) {
        leftovers.add(retained.partial().progress());
      }
      retained = null;
      counters.partialsDiscarded.increment();
    }
    for (Path file : new ArrayList<>(leftovers)) {
      try {
        deleteIfExists(file);
        leftovers.remove(file);
      } catch (IOException e) {
        counters.cleanupFailures.increment();
      }
    }
  }

  /** Forgets an open sink that ends: it no longer holds its index, or the receive. */
  synchronized void forget(FileSnapshotSink sink) {
    openSinks.remove(sink);
    if (sink == receiving) {
      receiving = null;
    } else if (sink instanceof CreatedSnapshotSink) {
      creating.remove(sink.meta.lastIndex());
    }
  }

  /** Keeps the part a received sink leaves, durable, for a later receive to resume. */
  synchronized void retain(ReceivedSnapshotSink sink, ReceivedSnapshotSink.Retained part) {
    forget(sink);
    retained = part;
  }

  /** After a received sink failed: keeps what its files durably hold, if they can be read. */
  synchronized void receiveFailed(ReceivedSnapshotSink sink, Path progress) {
    forget(sink);
    try {
      retained = new ReceivedSnapshotSink.Retained(SnapshotRecovery.readPartial(sink.file, progress,
          sink.meta.lastIndex(), options.fileIo()), null);
    } catch (IOException | RuntimeException e) {
      retained = null; // a later receive starts afresh, and removes the files first
    }
  }

  /** Removes a received snapshot's part and its progress file, if they exist. */
  void discardPartial(Path file, Path progress) throws IOException {
    boolean existed = deleteIfExists(file);
    if (progress != null) {
      deleteIfExists(progress);
    }
    if (existed) {
      counters.partialsDiscarded.increment();
    }
  }

  private void discardQuietly(Path file, Path progress) {
    try {
      deleteIfExists(file);
      if (progress != null) {
        deleteIfExists(progress);
      }
    } catch (IOException e) {
      counters.cleanupFailures.increment(); // removed at the next opening
    }
  }

  private boolean deleteIfExists(Path file) throws IOException {
    try {
      options.fileIo().delete(file);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the snapshot store in " + dir + " is closed");
    }
  }

  private void checkNewer(SnapshotMeta meta) {
    Objects.requireNonNull(meta, "meta");
    SnapshotInfo now = latest;
    if (now != null && meta.lastIndex() <= now.lastIndex()) {
      throw new IllegalArgumentException("a snapshot at " + meta.lastIndex() + " is not newer than the latest, " + now);
    }
  }
}

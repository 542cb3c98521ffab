package io.keel.raft.storage.file;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.LogStore;
import io.keel.raft.storage.LogStoreChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The durable {@link LogStore} of production nodes: a directory of append-only segment files of
 * CRC-checked records and a manifest that records the hard state and how far the log reaches
 * (docs/storage.md describes every byte). Opening a directory recovers it: a torn last record is
 * cut; damage anywhere else, a missing segment, a log shorter than the manifest says was durable,
 * or a file that does not belong refuses the open with a {@link CorruptLogException} naming the
 * file, and the offset or the missing entries.
 *
 * <p>Threading: the node's thread calls every {@link LogStore} method; they never block on the
 * disk. Writes are queued to one writer thread, which batches them (group commit: one fsync for
 * every write queued while the previous batch synced) and calls the {@link DurabilityListener},
 * in write order, from that thread. Reads are served from the terms and recent entries the node's
 * thread keeps in memory, or, for older entries, by positional reads of the segment files.
 *
 * <p>After a write fails (a full disk, an I/O error) the listener hears {@code storageFailed}
 * once, nothing is reported durable again, and further writes throw
 * {@link LogStoreFailedException}. Reopen the directory to recover.
 */
public final class FileLogStore implements LogStore, AutoCloseable {

  /** The largest command one entry can carry, in bytes (64 MiB). */
  public static final int MAX_COMMAND_BYTES = SegmentFormat.MAX_COMMAND_BYTES;

  private final Path dir;
  private final FileLogStoreOptions options;
  private final DirectoryLock lock;
  private final SegmentList segments;
  private final LogWriter writer;
  private final EntryCache cache;
  private final List<String> recoveryNotes;
  /** The terms of the entries after {@code startIndex}. */
  private final TermRuns terms;
  private long startIndex;
  private long startTerm;
  private HardState hardState;
  private long sequence;
  private boolean closed;

  private FileLogStore(Path dir, FileLogStoreOptions options, DirectoryLock lock, LogRecovery.Plan plan,
      Manifest manifest, SegmentList segments, TermRuns terms, DurabilityListener listener) {
    this.dir = dir;
    this.options = options;
    this.lock = lock;
    this.segments = segments;
    this.terms = terms;
    this.startIndex = manifest.start().index();
    this.startTerm = manifest.start().term();
    this.hardState = manifest.hardState();
    List<String> notes = new ArrayList<>(plan.notes());
    if (plan.format() == LogRecovery.Format.VERSION_1) {
      notes.add("upgraded from format version 1 to " + Manifest.VERSION + ": the manifest now records the hard state "
          + "and the log's extent (" + manifest + "); hardstate and logstart removed");
    }
    this.recoveryNotes = List.copyOf(notes);
    this.cache = new EntryCache(lastIndex() + 1);
    this.writer = new LogWriter(dir, options, segments, manifest, lastIndex(), term(lastIndex()), listener);
    writer.start();
  }

  /**
   * Opens the log in {@code dir}, creating the directory and a new, empty log if there is none,
   * and recovering it otherwise. Durability is reported to {@code listener}.
   *
   * @throws CorruptLogException if the directory holds damage a crash cannot explain, lost a
   *     segment or entries the manifest records as durable, or holds a file that does not belong
   * @throws IOException if the directory is not usable (not a directory, not writable, in use by
   *     another store) or cannot be read
   */
  public static FileLogStore open(Path dir, FileLogStoreOptions options, DurabilityListener listener)
      throws IOException {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException("cannot open a log in " + dir + ": it is not a directory");
    }
    Files.createDirectories(dir);
    if (!Files.isReadable(dir) || !Files.isWritable(dir)) {
      throw new IOException("cannot open a log in " + dir + ": the directory is not readable and writable");
    }
    DirectoryLock lock = DirectoryLock.acquire(dir);
    List<Segment> opened = new ArrayList<>();
    try {
      LogRecovery.Plan plan = LogRecovery.plan(dir);
      if (plan.refusal() != null) {
        CorruptLogException refusal = plan.refusal();
        plan.refusals().stream().skip(1).forEach(refusal::addSuppressed);
        throw refusal;
      }
      repair(plan, options);
      TermRuns terms = new TermRuns(plan.start().index());
      for (SegmentScanner.Scan scan : plan.live()) {
        opened.add(openSegment(scan, plan, options));
        for (long index = Math.max(scan.baseIndex(), plan.start().index() + 1); index <= scan.lastIndex(); index++) {
          terms.append(scan.termAt(index));
        }
      }
      if (!opened.isEmpty() && options.syncPolicy() == SyncPolicy.FSYNC_PER_BATCH) {
        // What a killed process left in the page cache was never synced; the node will take it as durable.
        opened.get(opened.size() - 1).channel.force(true);
      }
      Manifest manifest = recordOpening(plan, options);
      if (!lock.marked()) {
        lock.mark(options.syncPolicy() == SyncPolicy.FSYNC_PER_BATCH);
      }
      return new FileLogStore(dir, options, lock, plan, manifest, new SegmentList(opened), terms, listener);
    } catch (IOException | RuntimeException e) {
      for (Segment segment : opened) {
        segment.channel.close();
      }
      lock.close();
      throw e;
    }
  }

  private static void repair(LogRecovery.Plan plan, FileLogStoreOptions options) throws IOException {
    boolean sync = options.syncPolicy() == SyncPolicy.FSYNC_PER_BATCH;
    for (Path file : plan.toDelete()) {
      Files.delete(file);
    }
    if (plan.tornTail() != null) {
      try (FileChannel channel = options.fileIo().open(plan.tornTail().file(), StandardOpenOption.WRITE)) {
        channel.truncate(plan.tornTail().offset());
        channel.force(true);
      }
    }
    if (sync && !plan.toDelete().isEmpty()) {
      MetaFiles.syncDirectory(plan.dir(), options.fileIo());
    }
  }

  /**
   * Writes the manifest the opened log needs, once its segments are durable: the first one of a new
   * directory or of an upgraded version 1 directory (whose old files then go), or the recorded one
   * with the durable index moved to the recovered log's end.
   */
  private static Manifest recordOpening(LogRecovery.Plan plan, FileLogStoreOptions options) throws IOException {
    boolean sync = options.syncPolicy() == SyncPolicy.FSYNC_PER_BATCH;
    long lastIndex = plan.lastIndex();
    long lastTerm = plan.termAt(lastIndex);
    long newest = plan.live().isEmpty() ? 0 : plan.live().get(plan.live().size() - 1).baseIndex();
    Manifest manifest = switch (plan.format()) {
      case NEW -> Manifest.initial();
      case VERSION_1 -> new Manifest(plan.hardState(), plan.start(), newest, lastIndex, lastTerm);
      case VERSION_2 -> plan.manifest().withDurable(lastIndex, lastTerm);
      case UNKNOWN -> throw new IllegalStateException("a directory without a readable manifest was not refused");
    };
    if (manifest.newestSegment() != newest) {
      throw new IllegalStateException("recovery kept " + plan.live() + " but the manifest records " + manifest);
    }
    if (!manifest.equals(plan.manifest())) {
      manifest.write(plan.dir(), options.fileIo(), sync);
    }
    if (plan.format() == LogRecovery.Format.VERSION_1) {
      Files.deleteIfExists(plan.dir().resolve(MetaFiles.HARD_STATE));
      Files.deleteIfExists(plan.dir().resolve(MetaFiles.LOG_START));
      if (sync) {
        MetaFiles.syncDirectory(plan.dir(), options.fileIo());
      }
    }
    return manifest;
  }

  private static Segment openSegment(SegmentScanner.Scan scan, LogRecovery.Plan plan, FileLogStoreOptions options)
      throws IOException {
    long end = plan.tornTail() != null && plan.tornTail().file().equals(scan.file()) ? plan.tornTail().offset()
        : scan.validEnd();
    FileChannel channel = options.fileIo().open(scan.file(), StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    return new Segment(scan.file(), scan.baseIndex(), scan.header().previousTerm(), channel, scan.offsets(), end);
  }

  /** The directory this store keeps its files in. */
  public Path directory() {
    return dir;
  }

  /** What recovery found and repaired when this store was opened (cut torn writes, removed leftovers). */
  public List<String> recoveryNotes() {
    return recoveryNotes;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public HardState hardState() {
    return hardState;
  }

  @Override
  public long firstIndex() {
    return startIndex + 1;
  }

  @Override
  public long lastIndex() {
    return terms.lastIndex();
  }

  @Override
  public long term(long index) {
    if (index < startIndex || index > lastIndex()) {
      throw new IndexOutOfBoundsException("no term for index " + index + ": the log holds [" + firstIndex() + ", "
          + lastIndex() + "] after " + startIndex + "@" + startTerm);
    }
    return index == startIndex ? startTerm : terms.term(index);
  }

  @Override
  public LogEntry entry(long index) {
    if (index < firstIndex() || index > lastIndex()) {
      throw new IndexOutOfBoundsException("index " + index + " outside the log [" + firstIndex() + ", " + lastIndex() + "]");
    }
    return cache.holds(index) ? cache.get(index) : read(index);
  }

  @Override
  public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    LogStoreChecks.checkRange(firstIndex(), lastIndex(), fromIndex, toIndex);
    List<LogEntry> result = new ArrayList<>();
    long bytes = 0;
    for (long index = fromIndex; index < toIndex; index++) {
      LogEntry entry = entry(index);
      bytes += entry.sizeBytes();
      if (bytes > maxBytes && !result.isEmpty()) {
        break;
      }
      result.add(entry);
    }
    return result;
  }

  /** Reads an entry the writer has put in a segment, checking its CRC, index and term. */
  private LogEntry read(long index) {
    SegmentList.Location location = segments.locate(index);
    ByteBuffer record = ByteBuffer.allocate(location.length());
    try {
      while (record.hasRemaining()) {
        if (location.channel().read(record, location.offset() + record.position()) < 0) {
          throw new CorruptLogException(location.segment().file, location.offset(), "the record of index " + index
              + " ends early");
        }
      }
      record.flip();
      SegmentFormat.RecordStatus status = SegmentFormat.check(record, new CRC32C());
      if (status != SegmentFormat.RecordStatus.VALID || SegmentFormat.recordIndex(record) != index
          || SegmentFormat.recordTerm(record) != term(index)) {
        throw new CorruptLogException(location.segment().file, location.offset(), "the record of index " + index
            + " no longer reads back intact (" + status + ")");
      }
      return SegmentFormat.decode(record);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read index " + index + " from " + location.segment().file, e);
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public long append(List<LogEntry> entries) {
    checkWritable();
    LogStoreChecks.checkContinues(lastIndex(), term(lastIndex()), entries);
    if (entries.isEmpty()) {
      return sequence;
    }
    for (LogEntry entry : entries) {
      if (entry.command().length > SegmentFormat.MAX_COMMAND_BYTES) {
        throw new IllegalArgumentException("entry " + entry + " exceeds the largest command, "
            + SegmentFormat.MAX_COMMAND_BYTES + " bytes");
      }
    }
    List<LogEntry> copy = List.copyOf(entries);
    long number = ++sequence;
    for (LogEntry entry : copy) {
      terms.append(entry.term());
      cache.add(entry, number);
    }
    writer.submit(new LogWriter.Append(copy, number, System.nanoTime()));
    cache.evict(options.cacheBytes(), writer.writtenSequence());
    return number;
  }

  @Override
  public long truncateSuffix(long fromIndex) {
    checkWritable();
    LogStoreChecks.checkTruncation(firstIndex(), lastIndex(), fromIndex);
    if (fromIndex > lastIndex()) {
      return sequence;
    }
    long termBefore = term(fromIndex - 1);
    terms.truncateAfter(fromIndex - 1);
    cache.truncateFrom(fromIndex);
    writer.submit(new LogWriter.Truncate(fromIndex, termBefore, ++sequence));
    return sequence;
  }

  @Override
  public long compactPrefix(long index, long term) {
    checkWritable();
    if (!LogStoreChecks.checkCompaction(firstIndex(), startTerm, index, term)) {
      return sequence;
    }
    boolean keepsEntries = index <= lastIndex() && term(index) == term;
    if (keepsEntries) {
      terms.compactThrough(index);
      cache.dropThrough(index);
    } else {
      terms.restartAfter(index);
      cache.clear(index + 1);
    }
    startIndex = index;
    startTerm = term;
    writer.submit(new LogWriter.Compact(index, term, keepsEntries, ++sequence));
    return sequence;
  }

  @Override
  public void saveHardState(HardState state) {
    checkWritable();
    hardState = Objects.requireNonNull(state, "state");
    writer.submit(new LogWriter.SaveHardState(state, ++sequence));
  }

  private void checkWritable() {
    if (closed) {
      throw new LogStoreFailedException("the log store in " + dir + " is closed", null);
    }
    Throwable failure = writer.failure();
    if (failure != null) {
      throw new LogStoreFailedException("the log store in " + dir + " failed and accepts no more writes: " + failure,
          failure);
    }
  }

  /** What the store has written and how long its syncs took; cheap, from any thread. */
  public StorageStats stats() {
    return new StorageStats(writer.entriesWritten.sum(), writer.bytesWritten.sum(), writer.syncs.sum(),
        writer.fsyncLatency.snapshot(), writer.appendLatency.snapshot());
  }

  /**
   * Makes every write made so far durable (reporting it to the listener, unless the store failed),
   * stops the writer thread, and releases the directory. Idempotent.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.close(++sequence);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while closing the log store in " + dir, e);
    } finally {
      for (Segment segment : segments.all()) {
        segment.channel.close();
      }
      lock.close();
    }
  }

  @Override
  public String toString() {
    return "FileLogStore[" + dir + " " + firstIndex() + ".." + lastIndex() + "]";
  }
}

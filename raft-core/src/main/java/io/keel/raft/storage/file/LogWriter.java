package io.keel.raft.storage.file;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.metrics.LatencyHistogram;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * The one thread that writes a {@link FileLogStore}'s files, and its group commit. It takes every
 * write queued since its last batch, encodes the appends into one buffer, writes it with one call,
 * forces it with one {@code fsync}, and then reports the last entry durable once. Truncations,
 * compactions and hard-state saves end the current batch and are carried out, synced, in their
 * place, so every report follows the order of the writes. It alone calls the listener.
 *
 * <p>It also keeps the {@link Manifest} true: a new segment is recorded once its header is
 * durable and before any record goes in it; a truncation or compaction records the log's new
 * extent before it deletes or cuts anything; hard-state saves and closing record how far the log
 * is durable. Appends alone never write the manifest, so a batch costs one fsync.
 *
 * <p>After an I/O error it reports {@code storageFailed} once, stops, and never reports anything
 * durable again.
 */
final class LogWriter implements Runnable {

  /** A write, numbered in the order the node made it. */
  sealed interface Op permits Append, Truncate, Compact, SaveHardState, Close {
    long sequence();
  }

  /** Appends entries; {@code submittedNanos} is when the node made the call, for the latency metric. */
  record Append(List<LogEntry> entries, long sequence, long submittedNanos) implements Op {}

  /** Removes {@code fromIndex} on; {@code termBefore} is the term of {@code fromIndex - 1}. */
  record Truncate(long fromIndex, long termBefore, long sequence) implements Op {}

  /** Compacts to {@code index}@{@code term}; {@code keepsEntries} if the log held that entry. */
  record Compact(long index, long term, boolean keepsEntries, long sequence) implements Op {}

  record SaveHardState(HardState state, long sequence) implements Op {}

  record Close(long sequence) implements Op {}

  private final Path dir;
  private final FileLogStoreOptions options;
  private final boolean sync;
  private final SegmentList segments;
  private final DurabilityListener listener;
  private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final CRC32C crc = new CRC32C();

  private volatile long writtenSequence;
  private volatile Throwable failure;

  private Segment current;
  /** The sequence number of the last write carried out in full; a report covers it and every one before. */
  private long processedSequence;
  /** The manifest as the directory holds it. */
  private Manifest manifest;
  private long lastIndex;
  private long lastTerm;
  private ByteBuffer buffer;
  private ByteBuffer view;
  private long[] pendingOffsets = new long[256];
  private int pendingCount;
  private int batchEntries;
  private boolean unsynced;
  private boolean reportPending;
  /** When the oldest append not yet reported durable was submitted. */
  private long oldestPendingSubmitNanos;

  final LatencyHistogram fsyncLatency = new LatencyHistogram();
  final LatencyHistogram appendLatency = new LatencyHistogram();
  final LongAdder entriesWritten = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();
  final LongAdder syncs = new LongAdder();

  LogWriter(Path dir, FileLogStoreOptions options, SegmentList segments, Manifest manifest, long lastIndex,
      long lastTerm, DurabilityListener listener) {
    this.dir = dir;
    this.options = options;
    this.sync = options.syncPolicy() == SyncPolicy.FSYNC_PER_BATCH;
    this.segments = segments;
    this.listener = listener;
    this.current = segments.last();
    this.manifest = manifest;
    this.lastIndex = lastIndex;
    this.lastTerm = lastTerm;
    allocateBuffer((int) Math.min(options.maxBatchBytes(), 1 << 20));
    this.thread = new Thread(this, "keel-log-writer " + dir.getFileName());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues a write; never blocks. */
  void submit(Op op) {
    queue.add(op);
  }

  /** The sequence number of the last write whose bytes are in the files (durable or not). */
  long writtenSequence() {
    return writtenSequence;
  }

  /** The failure that stopped the writer, or null. */
  Throwable failure() {
    return failure;
  }

  /** Makes every queued write durable, reports it, and stops the thread. */
  void close(long sequence) throws InterruptedException {
    if (thread.isAlive()) {
      queue.add(new Close(sequence));
      thread.join();
    }
  }

  @Override
  public void run() {
    List<Op> batch = new ArrayList<>();
    try {
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch, options.maxBatchEntries());
        boolean closing = false;
        for (int i = 0; i < batch.size(); i++) {
          Op op = batch.get(i);
          if (op instanceof SaveHardState && i + 1 < batch.size() && batch.get(i + 1) instanceof SaveHardState) {
            continue; // the next save covers this one and follows it directly
          }
          closing |= process(op);
          // Only now is the whole write carried out: a report made within it names the one before.
          processedSequence = op.sequence();
        }
        commit();
        if (closing && (manifest.durableIndex() != lastIndex || manifest.durableTerm() != lastTerm)) {
          record(manifest.withDurable(lastIndex, lastTerm));
        }
        writtenSequence = batch.get(batch.size() - 1).sequence();
        batch.clear();
        if (closing) {
          return;
        }
      }
    } catch (InterruptedException e) {
      fail(new IOException("the log writer of " + dir + " was interrupted", e));
    } catch (IOException | RuntimeException | Error e) {
      fail(e);
    }
  }

  private void fail(Throwable cause) {
    failure = cause;
    listener.storageFailed(cause instanceof Exception exception ? exception : new IOException(cause));
  }

  private boolean process(Op op) throws IOException {
    if (op instanceof Append append) {
      if (!reportPending) {
        oldestPendingSubmitNanos = append.submittedNanos();
      }
      for (LogEntry entry : append.entries()) {
        add(entry);
      }
    } else if (op instanceof Truncate truncate) {
      commit();
      truncate(truncate);
    } else if (op instanceof Compact compact) {
      commit();
      compact(compact);
    } else if (op instanceof SaveHardState save) {
      commit();
      record(manifest.withHardState(save.state()).withDurable(lastIndex, lastTerm));
      listener.hardStateDurable(save.state());
    } else if (op instanceof Close) {
      return true;
    }
    return false;
  }

  private void add(LogEntry entry) throws IOException {
    int size = SegmentFormat.recordBytes(entry);
    if (current == null) {
      createSegment(entry.index());
    } else if (current.entryCount() + pendingCount > 0
        && current.endOffset() + buffer.position() + size > options.segmentSizeBytes()) {
      flushWrite();
      forceCurrent();
      createSegment(entry.index());
    }
    if (buffer.remaining() < size) {
      allocateBuffer(Math.max(buffer.capacity() * 2, buffer.position() + size));
    }
    if (pendingCount == pendingOffsets.length) {
      pendingOffsets = Arrays.copyOf(pendingOffsets, pendingCount * 2);
    }
    pendingOffsets[pendingCount++] = current.endOffset() + buffer.position();
    SegmentFormat.encodeRecord(entry, buffer, view, crc);
    entriesWritten.increment();
    bytesWritten.add(size);
    lastIndex = entry.index();
    lastTerm = entry.term();
    reportPending = true;
    if (++batchEntries >= options.maxBatchEntries() || buffer.position() >= options.maxBatchBytes()) {
      commit();
    }
  }

  /** Writes, syncs and reports what the batch holds. */
  private void commit() throws IOException {
    flushWrite();
    forceCurrent();
    batchEntries = 0;
    if (reportPending) {
      reportPending = false;
      appendLatency.record(System.nanoTime() - oldestPendingSubmitNanos);
      listener.logDurable(processedSequence, lastIndex, lastTerm);
    }
  }

  private void flushWrite() throws IOException {
    if (buffer.position() == 0) {
      return;
    }
    buffer.flip();
    long position = current.endOffset();
    while (buffer.hasRemaining()) {
      position += current.channel.write(buffer, position);
    }
    segments.appended(current, pendingOffsets, pendingCount, position);
    buffer.clear();
    pendingCount = 0;
    unsynced = true;
  }

  private void forceCurrent() throws IOException {
    if (unsynced && sync) {
      long start = System.nanoTime();
      current.channel.force(false);
      fsyncLatency.record(System.nanoTime() - start);
      syncs.increment();
    }
    unsynced = false;
  }

  private void createSegment(long baseIndex) throws IOException {
    Path file = dir.resolve(SegmentFormat.fileName(baseIndex));
    FileChannel channel = options.fileIo().open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    Segment segment = new Segment(file, baseIndex, lastTerm, channel, new LongList(), SegmentFormat.HEADER_BYTES);
    try {
      ByteBuffer header = SegmentFormat.encodeHeader(baseIndex, lastTerm);
      while (header.hasRemaining()) {
        channel.write(header, header.position());
      }
      if (sync) {
        channel.force(true);
        MetaFiles.syncDirectory(dir, options.fileIo());
      }
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    segments.add(segment);
    current = segment;
    if (baseIndex != lastIndex + 1) {
      throw new IllegalStateException("a segment for index " + baseIndex + " after the last entry " + lastIndex);
    }
    // Recorded once its header is durable, and before any record goes in it.
    record(manifest.withLog(manifest.start(), baseIndex, lastIndex, lastTerm));
    checkManifest();
  }

  private void truncate(Truncate truncate) throws IOException {
    List<Segment> all = segments.all();
    long newest = 0;
    for (Segment segment : all) {
      if (segment.baseIndex < truncate.fromIndex()) {
        newest = segment.baseIndex;
      }
    }
    // Unrecord what goes before it goes: a crash then leaves at most segments newer than the newest recorded.
    record(manifest.withLog(manifest.start(), newest, truncate.fromIndex() - 1, truncate.termBefore()));
    boolean deleted = false;
    for (int i = all.size() - 1; i >= 0 && all.get(i).baseIndex >= truncate.fromIndex(); i--) {
      delete(all.get(i));
      deleted = true;
    }
    if (deleted && sync) {
      MetaFiles.syncDirectory(dir, options.fileIo());
    }
    current = segments.last();
    if (current != null && current.lastIndex() >= truncate.fromIndex()) {
      long offset = current.offsetOf(truncate.fromIndex());
      current.channel.truncate(offset);
      if (sync) {
        current.channel.force(true);
      }
      segments.truncated(current, truncate.fromIndex(), offset);
    }
    lastIndex = truncate.fromIndex() - 1;
    lastTerm = truncate.termBefore();
    checkManifest();
  }

  private void compact(Compact compact) throws IOException {
    Segment last = segments.last();
    boolean keepsLast = compact.keepsEntries() && last != null && last.lastIndex() > compact.index();
    boolean keepsEnd = compact.keepsEntries() && compact.index() < lastIndex;
    record(manifest.withLog(new MetaFiles.LogStart(compact.index(), compact.term()), keepsLast ? last.baseIndex : 0,
        keepsEnd ? lastIndex : compact.index(), keepsEnd ? lastTerm : compact.term()));
    boolean deleted = false;
    for (Segment segment : segments.all()) {
      if (!compact.keepsEntries() || segment.lastIndex() <= compact.index()) {
        delete(segment);
        deleted = true;
      }
    }
    if (deleted && sync) {
      MetaFiles.syncDirectory(dir, options.fileIo());
    }
    current = segments.last();
    if (!compact.keepsEntries() || compact.index() >= lastIndex) {
      lastIndex = compact.index();
      lastTerm = compact.term();
    }
    checkManifest();
  }

  /** Replaces the manifest, durably (under the sync policy). */
  private void record(Manifest next) throws IOException {
    next.write(dir, options.fileIo(), sync);
    manifest = next;
  }

  /** The manifest's newest segment is the last open one: a broken link here is a bug, and stops the writer. */
  private void checkManifest() {
    long newest = current == null ? 0 : current.baseIndex;
    if (manifest.newestSegment() != newest || current != segments.last()) {
      throw new IllegalStateException("the manifest records the newest segment " + manifest.newestSegment()
          + " but the store writes to " + current + " of " + segments.all());
    }
  }

  private void delete(Segment segment) throws IOException {
    segments.remove(segment);
    segment.channel.close();
    Files.delete(segment.file);
  }

  private void allocateBuffer(int capacity) {
    ByteBuffer larger = ByteBuffer.allocateDirect(capacity);
    if (buffer != null) {
      buffer.flip();
      larger.put(buffer);
    }
    buffer = larger;
    view = buffer.duplicate();
  }
}

package io.keel.raft.storage.file;

import io.keel.raft.snapshot.CorruptSnapshotException;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A snapshot the leader sends, written to {@code snapshot-<index>.partial}: the header first (the
 * leader declared the size and checksum it records), then the payload chunk by chunk. Each
 * {@link #sync()} forces the payload and then records in {@code snapshot-<index>.progress} how many
 * payload bytes are durable and their CRC ({@link ReceiveProgress}), so that a receive of the same
 * snapshot after a crash goes on from there. {@link #finish()} checks the size and the checksum
 * before the store renames the file into place.
 */
final class ReceivedSnapshotSink extends FileSnapshotSink {

  /**
   * A part kept for a later receive to resume, and, if it was held in this process, the CRC of its
   * durable bytes (otherwise it is computed again from the file, which also checks those bytes).
   */
  record Retained(SnapshotRecovery.Partial partial, CRC32C crc) {}

  private final long size;
  private final long checksum;
  private final Path progressFile;
  private final FileChannel progress;
  private long sequence;

  private ReceivedSnapshotSink(FileSnapshotStore store, SnapshotMeta meta, long size, long checksum, Path file,
      FileChannel channel, Path progressFile, FileChannel progress, ReceiveProgress.Position durable, CRC32C crc) {
    super(store, meta, file, channel, durable.payloadBytes(), crc);
    this.size = size;
    this.checksum = checksum;
    this.progressFile = progressFile;
    this.progress = progress;
    this.sequence = durable.sequence();
  }

  /**
   * Resumes {@code retained} if it is a part of this same snapshot and its durable bytes read back
   * intact; otherwise discards it and starts the snapshot afresh.
   */
  static ReceivedSnapshotSink start(FileSnapshotStore store, SnapshotMeta meta, long size, long checksum,
      Retained retained) throws IOException {
    if (retained != null) {
      if (retained.partial().header().isOf(meta, size, checksum)) {
        ReceivedSnapshotSink resumed = resume(store, meta, size, checksum, retained);
        if (resumed != null) {
          return resumed;
        }
      }
      store.discardPartial(retained.partial().file(), retained.partial().progress());
    }
    return startAfresh(store, meta, size, checksum);
  }

  private static ReceivedSnapshotSink resume(FileSnapshotStore store, SnapshotMeta meta, long size, long checksum,
      Retained retained) throws IOException {
    SnapshotRecovery.Partial partial = retained.partial();
    FileIo io = store.options().fileIo();
    long durable = partial.durable().payloadBytes();
    int headerBytes = partial.header().headerBytes();
    FileChannel channel = io.open(partial.file(), StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileChannel progress = null;
    try {
      CRC32C crc = retained.crc();
      if (crc == null) {
        crc = new CRC32C();
        SnapshotRecovery.update(crc, channel, headerBytes, durable, partial.file());
        if (crc.getValue() != partial.durable().payloadCrc()) {
          channel.close();
          return null; // the durable bytes are damaged: start over
        }
      }
      channel.truncate(headerBytes + durable); // what was not durable may be torn
      Path progressFile = partial.progress() != null ? partial.progress()
          : store.directory().resolve(SnapshotFormat.progressName(meta.lastIndex()));
      progress = io.open(progressFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      if (partial.progress() == null) {
        store.syncDirectory();
      }
      return new ReceivedSnapshotSink(store, meta, size, checksum, partial.file(), channel, progressFile, progress,
          partial.durable(), crc);
    } catch (IOException | RuntimeException e) {
      channel.close();
      if (progress != null) {
        progress.close();
      }
      throw e;
    }
  }

  /** Creates the partial file with its header, forced, and an empty progress file; then forces the directory. */
  private static ReceivedSnapshotSink startAfresh(FileSnapshotStore store, SnapshotMeta meta, long size,
      long checksum) throws IOException {
    FileIo io = store.options().fileIo();
    Path file = store.directory().resolve(SnapshotFormat.partialName(meta.lastIndex()));
    Path progressFile = store.directory().resolve(SnapshotFormat.progressName(meta.lastIndex()));
    store.discardPartial(file, progressFile); // a leftover of a failed sink, if any
    FileChannel channel = io.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileChannel progress = null;
    try {
      ByteBuffer header = SnapshotFormat.encodeHeader(meta, size, checksum);
      while (header.hasRemaining()) {
        channel.write(header, header.position());
      }
      channel.force(true);
      progress = io.open(progressFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      store.counters().syncs.increment();
      store.syncDirectory();
      return new ReceivedSnapshotSink(store, meta, size, checksum, file, channel, progressFile, progress,
          ReceiveProgress.Position.START, new CRC32C());
    } catch (IOException | RuntimeException e) {
      channel.close();
      if (progress != null) {
        progress.close();
      }
      store.discardPartial(file, progressFile);
      throw e;
    }
  }

  @Override
  void checkFits(long end) {
    if (end > size) {
      throw new IllegalArgumentException("the write to byte " + end + " runs past the snapshot's declared size, "
          + size + " bytes");
    }
  }

  @Override
  public void sync() throws IOException {
    checkUsable();
    try {
      forcePayload();
      sequence++;
      ReceiveProgress.write(progress, new ReceiveProgress.Position(sequence, written, crc.getValue()),
          meta.lastIndex(), checksum);
      store.counters().syncs.increment();
    } catch (IOException e) {
      throw fail(e);
    }
  }

  @Override
  public SnapshotInfo finish() throws IOException {
    checkUsable();
    try {
      flush();
    } catch (IOException e) {
      throw fail(e);
    }
    if (written != size) {
      throw new IllegalStateException(file + " holds " + written + " of the snapshot's " + size
          + " bytes; it cannot be finished yet");
    }
    if (crc.getValue() != checksum) {
      store.counters().checksumFailures.increment();
      CorruptSnapshotException mismatch = new CorruptSnapshotException(file, headerBytes, "the received payload's "
          + "CRC-32C is " + Long.toHexString(crc.getValue()) + ", but its sender declared "
          + Long.toHexString(checksum) + "; the snapshot was discarded");
      try {
        abort();
      } catch (IOException e) {
        mismatch.addSuppressed(e);
      }
      throw mismatch;
    }
    try {
      channel.force(false);
      store.counters().syncs.increment();
      closeFiles();
    } catch (IOException e) {
      throw fail(e);
    }
    return install(new SnapshotInfo(meta, size, checksum, SnapshotFormat.snapshotName(meta.lastIndex())), progressFile);
  }

  @Override
  void discardFiles() throws IOException {
    store.discardPartial(file, progressFile);
  }

  /** Makes what the sink holds durable and keeps it for a later receive; the sink ends. */
  @Override
  public void close() throws IOException {
    if (state != State.OPEN) {
      return;
    }
    if (store.isClosed()) {
      endWithStore();
      return;
    }
    sync();
    state = State.ENDED;
    closeFiles();
    store.retain(this, new Retained(new SnapshotRecovery.Partial(file, progressFile,
        new SnapshotFormat.Header(meta, size, checksum, headerBytes), new ReceiveProgress.Position(sequence, written,
        crc.getValue())), crc));
  }

  /** Closes the sink as the store closes, or as a crash would: only what was synced stays. */
  void endWithStore() {
    if (state == State.OPEN) {
      state = State.ENDED;
      closeFiles();
    }
  }

  @Override
  void closeFiles() {
    super.closeFiles();
    try {
      progress.close();
    } catch (IOException e) {
      // nothing more is written through it
    }
  }

  @Override
  void afterFailure() {
    store.receiveFailed(this, progressFile);
  }
}

package io.keel.raft.storage.file;

import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A snapshot this node takes, written to {@code snapshot-<index>.snap.tmp}: the payload first,
 * after room for the header; {@link #finish()} then writes the header, which records the payload's
 * size and CRC, forces the file, and has the store rename it into place. An unfinished one cannot
 * be resumed: closing or aborting it deletes the file, and so does the next opening of the store
 * if a crash left it.
 */
final class CreatedSnapshotSink extends FileSnapshotSink {

  private CreatedSnapshotSink(FileSnapshotStore store, SnapshotMeta meta, Path file, FileChannel channel) {
    super(store, meta, file, channel, 0, new CRC32C());
  }

  /** Starts the snapshot {@code meta} in {@code file}, replacing any leftover there. */
  static CreatedSnapshotSink start(FileSnapshotStore store, SnapshotMeta meta, Path file) throws IOException {
    FileChannel channel = store.options().fileIo().open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.READ);
    return new CreatedSnapshotSink(store, meta, file, channel);
  }

  @Override
  void checkFits(long end) {
    // a snapshot this node takes may have any size
  }

  @Override
  public void sync() throws IOException {
    checkUsable();
    try {
      forcePayload();
    } catch (IOException e) {
      throw fail(e);
    }
  }

  @Override
  public SnapshotInfo finish() throws IOException {
    checkUsable();
    long checksum;
    try {
      flush();
      checksum = crc.getValue();
      writeFully(SnapshotFormat.encodeHeader(meta, written, checksum), 0);
      channel.force(true);
      store.counters().syncs.increment();
      channel.close();
    } catch (IOException e) {
      throw fail(e);
    }
    return install(new SnapshotInfo(meta, written, checksum, SnapshotFormat.snapshotName(meta.lastIndex())), null);
  }

  @Override
  void discardFiles() throws IOException {
    deleteFile();
  }

  @Override
  public void close() throws IOException {
    abort();
  }

  @Override
  void afterFailure() {
    store.forget(this);
    try {
      deleteFile();
    } catch (IOException e) {
      store.counters().cleanupFailures.increment(); // the next opening of the store removes it
    }
  }

  /** Closes the sink as the store closes: the file is left for the next opening to remove. */
  void endWithStore() {
    if (state == State.OPEN) {
      state = State.ENDED;
      closeFiles();
    }
  }

  private void deleteFile() throws IOException {
    try {
      store.options().fileIo().delete(file);
    } catch (NoSuchFileException e) {
      // already gone
    }
  }
}

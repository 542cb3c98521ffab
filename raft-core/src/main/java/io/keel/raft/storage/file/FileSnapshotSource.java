package io.keel.raft.storage.file;

import io.keel.raft.snapshot.CorruptSnapshotException;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * A stored snapshot file open for reading, by positional reads of its channel (which several
 * threads may make at once). The file stays readable after the store replaces it with a newer
 * snapshot and removes its name: the channel keeps it open, and on Linux and other POSIX systems
 * an open file's bytes survive the removal of its last name until it is closed.
 */
final class FileSnapshotSource implements SnapshotSource {

  private final FileSnapshotStore store;
  private final SnapshotInfo info;
  private final Path file;
  private final FileChannel channel;
  private final int headerBytes;

  FileSnapshotSource(FileSnapshotStore store, SnapshotInfo info, Path file, FileChannel channel, int headerBytes) {
    this.store = store;
    this.info = info;
    this.file = file;
    this.channel = channel;
    this.headerBytes = headerBytes;
  }

  @Override
  public SnapshotInfo info() {
    return info;
  }

  @Override
  public long size() {
    return info.sizeBytes();
  }

  @Override
  public int read(long offset, ByteBuffer destination) throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    if (offset >= info.sizeBytes()) {
      return -1;
    }
    int count = (int) Math.min(destination.remaining(), info.sizeBytes() - offset);
    ByteBuffer target = destination.slice(destination.position(), count);
    while (target.hasRemaining()) {
      if (channel.read(target, headerBytes + offset + target.position()) < 0) {
        throw new CorruptSnapshotException(file, headerBytes + offset + target.position(), "the file ends inside its "
            + "payload of " + info.sizeBytes() + " bytes");
      }
    }
    destination.position(destination.position() + count);
    return count;
  }

  @Override
  public InputStream stream() {
    return new VerifyingStream();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "FileSnapshotSource[" + file + "]";
  }

  /**
   * The payload through a bounded buffer, its CRC computed as the buffer is filled; the fill that
   * reaches the end of the payload checks it, so no byte is returned after a mismatch is known.
   */
  private final class VerifyingStream extends InputStream {
    private final CRC32C crc = new CRC32C();
    /** Direct, so that the channel reads into it without a copy, and the CRC reads it in place. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(store.options().bufferBytes(),
        Math.max(1, info.sizeBytes())));
    /** Payload bytes read into the buffer so far. */
    private long filled;
    private boolean checked;
    private CorruptSnapshotException failure;

    VerifyingStream() {
      buffer.flip();
    }

    @Override
    public int read() throws IOException {
      return fill() ? buffer.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] target, int offset, int count) throws IOException {
      Objects.checkFromIndexSize(offset, count, target.length);
      if (count == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int read = Math.min(count, buffer.remaining());
      buffer.get(target, offset, read);
      return read;
    }

    @Override
    public int available() {
      return buffer.remaining();
    }

    /** Refills the buffer if it is empty; false at the end of the payload. */
    private boolean fill() throws IOException {
      if (failure != null) {
        throw failure;
      }
      if (buffer.hasRemaining()) {
        return true;
      }
      if (filled == info.sizeBytes()) {
        checkOnce();
        return false;
      }
      buffer.clear().limit((int) Math.min(buffer.capacity(), info.sizeBytes() - filled));
      int read = FileSnapshotSource.this.read(filled, buffer);
      buffer.flip();
      crc.update(buffer.duplicate());
      filled += read;
      if (filled == info.sizeBytes()) {
        checkOnce();
      }
      return true;
    }

    /** Checks the CRC of the whole payload, once it is read; a mismatch fails this and every later read. */
    private void checkOnce() throws CorruptSnapshotException {
      if (checked) {
        return;
      }
      checked = true;
      if (crc.getValue() != info.checksum()) {
        buffer.limit(0);
        store.counters().checksumFailures.increment();
        failure = new CorruptSnapshotException(file, headerBytes, "payload CRC mismatch: the payload's CRC-32C is "
            + Long.toHexString(crc.getValue()) + ", the header records " + Long.toHexString(info.checksum()));
        throw failure;
      }
    }
  }
}

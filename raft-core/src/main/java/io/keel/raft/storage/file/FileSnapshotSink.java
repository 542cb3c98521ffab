package io.keel.raft.storage.file;

import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * What the file store's two sinks share: the payload is appended at the sink's position through
 * one bounded direct buffer (a direct chunk at least as large as the buffer is written straight
 * from the caller's buffer; a heap one is copied, since the JDK would otherwise copy it into a
 * temporary direct buffer as large as itself), its CRC-32C is computed as it goes, and it is
 * written at its offset after the header. A sink that hits an I/O error is failed: it closes its
 * files and refuses every later call, and the store counts the failure.
 */
abstract class FileSnapshotSink implements SnapshotSink {

  /** A sink is open until it is finished, or ended (aborted, closed, released), or failed. */
  enum State { OPEN, FINISHED, ENDED, FAILED }

  final FileSnapshotStore store;
  final SnapshotMeta meta;
  final Path file;
  final FileChannel channel;
  /** Where the payload starts in the file. */
  final int headerBytes;
  final CRC32C crc;
  /** Volatile: the store's close ends open sinks from its own thread. */
  volatile State state = State.OPEN;
  /** Payload bytes written to the file; more may wait in the buffer. */
  long written;
  private final ByteBuffer buffer;
  private final OutputStream stream = new SinkStream();

  FileSnapshotSink(FileSnapshotStore store, SnapshotMeta meta, Path file, FileChannel channel, long written,
      CRC32C crc) {
    this.store = store;
    this.meta = meta;
    this.file = file;
    this.channel = channel;
    this.headerBytes = SnapshotFormat.headerBytes(meta);
    this.written = written;
    this.crc = crc;
    this.buffer = ByteBuffer.allocateDirect(store.options().bufferBytes());
  }

  @Override
  public final SnapshotMeta meta() {
    return meta;
  }

  @Override
  public final long position() {
    return written + buffer.position();
  }

  @Override
  public final OutputStream stream() {
    return stream;
  }

  /** Refuses a write that would end past {@code end} payload bytes (a received snapshot's declared size). */
  abstract void checkFits(long end);

  /** Cleans up after an I/O error closed the sink's files. */
  abstract void afterFailure();

  /** Removes the sink's files once it is aborted (its files closed and the store told). */
  abstract void discardFiles() throws IOException;

  @Override
  public final void abort() throws IOException {
    if (state == State.OPEN) {
      state = State.ENDED;
      closeFiles();
      store.forget(this);
      discardFiles();
    }
  }

  @Override
  public final boolean write(long offset, ByteBuffer chunk) throws IOException {
    checkUsable();
    long chunkBytes = chunk.remaining();
    if (offset < 0 || offset > Long.MAX_VALUE - chunkBytes) {
      throw new IllegalArgumentException("impossible chunk offset " + offset + " for " + chunkBytes + " bytes");
    }
    checkFits(offset + chunkBytes);
    long position = position();
    if (offset > position) {
      return false;
    }
    chunk.position(chunk.position() + (int) Math.min(chunkBytes, position - offset));
    append(chunk);
    return true;
  }

  /** Appends {@code source}'s remaining bytes to the payload. */
  final void append(ByteBuffer source) throws IOException {
    crc.update(source.duplicate());
    try {
      if (source.isDirect() && buffer.position() == 0 && source.remaining() >= buffer.capacity()) {
        writePayload(source);
        return;
      }
      while (source.hasRemaining()) {
        int count = Math.min(buffer.remaining(), source.remaining());
        buffer.put(source.slice(source.position(), count));
        source.position(source.position() + count);
        if (!buffer.hasRemaining()) {
          flush();
        }
      }
    } catch (IOException e) {
      throw fail(e);
    }
  }

  /** Writes what the buffer holds. */
  final void flush() throws IOException {
    if (buffer.position() > 0) {
      buffer.flip();
      writePayload(buffer);
      buffer.clear();
    }
  }

  private void writePayload(ByteBuffer source) throws IOException {
    int count = writeFully(source, headerBytes + written);
    written += count;
    store.counters().bytesWritten.add(count);
  }

  /** Writes all of {@code source} at {@code fileOffset}; returns the bytes written. */
  final int writeFully(ByteBuffer source, long fileOffset) throws IOException {
    int count = source.remaining();
    while (source.hasRemaining()) {
      channel.write(source, fileOffset + count - source.remaining());
    }
    return count;
  }

  /** Flushes and forces the payload written so far. */
  final void forcePayload() throws IOException {
    flush();
    channel.force(false);
    store.counters().syncs.increment();
  }

  /** Fails the sink after {@code cause}: closes its files, counts the failure; returns the cause to throw. */
  final IOException fail(IOException cause) {
    if (state == State.OPEN) {
      state = State.FAILED;
      store.counters().writeFailures.increment();
      closeFiles();
      afterFailure();
    }
    return cause;
  }

  /**
   * Has the store install the finished sink's file as {@code info}. The sink ends failed if the
   * installation fails with an I/O error, and ended if the store refuses it.
   */
  final SnapshotInfo install(SnapshotInfo info, Path progress) throws IOException {
    state = State.FINISHED;
    try {
      return store.install(this, info, progress);
    } catch (IOException e) {
      state = State.FAILED;
      throw e;
    } catch (RuntimeException e) {
      state = State.ENDED;
      throw e;
    }
  }

  /** Closes the sink's files, ignoring errors: nothing more is written through them. */
  void closeFiles() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing only releases the descriptor; what was forced is durable, and nothing else is promised
    }
  }

  /** Throws unless the sink is open and its store is too. */
  final void checkUsable() {
    if (state != State.OPEN) {
      throw new IllegalStateException("the sink of snapshot " + meta + " is " + switch (state) {
        case FINISHED -> "finished";
        case FAILED -> "failed";
        default -> "closed, aborted or replaced by a later receive";
      });
    }
    if (store.isClosed()) {
      throw new IllegalStateException("the snapshot store in " + store.directory() + " is closed");
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + file + " " + meta + ", " + position() + " bytes, " + state + "]";
  }

  /** The sink's stream: each write appends at the position, through the buffer. */
  private final class SinkStream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      checkUsable();
      checkFits(position() + 1);
      crc.update(b);
      buffer.put((byte) b);
      if (!buffer.hasRemaining()) {
        flush();
      }
    }

    @Override
    public void write(byte[] source, int offset, int count) throws IOException {
      Objects.checkFromIndexSize(offset, count, source.length);
      checkUsable();
      checkFits(position() + count);
      append(ByteBuffer.wrap(source, offset, count));
    }

    @Override
    public void flush() throws IOException {
      if (state == State.OPEN) {
        try {
          FileSnapshotSink.this.flush();
        } catch (IOException e) {
          throw fail(e);
        }
      }
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}

package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Files that fail like a full disk: the Nth write (counted over every file opened) writes half its
 * bytes and then throws "No space left on device", or the Nth force throws an I/O error.
 */
final class FailingFileIo implements FileIo {

  private final int failingWrite;
  private final int failingForce;
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger forces = new AtomicInteger();

  /** Fails the {@code failingWrite}th write and the {@code failingForce}th force (0: never). */
  FailingFileIo(int failingWrite, int failingForce) {
    this.failingWrite = failingWrite;
    this.failingForce = failingForce;
  }

  /** The writes made so far, over every file opened. */
  int writes() {
    return writes.get();
  }

  /** The forces made so far, over every file opened (the directory's included). */
  int forces() {
    return forces.get();
  }

  @Override
  public FileChannel open(Path path, OpenOption... options) throws IOException {
    return new FailingChannel(FileChannel.open(path, options));
  }

  private final class FailingChannel extends FileChannel {
    private final FileChannel delegate;

    FailingChannel(FileChannel delegate) {
      this.delegate = delegate;
    }

    private int writeOrFail(ByteBuffer source, long position) throws IOException {
      if (writes.incrementAndGet() == failingWrite) {
        ByteBuffer half = source.duplicate();
        half.limit(half.position() + half.remaining() / 2);
        delegate.write(half, position);
        throw new IOException("No space left on device");
      }
      return delegate.write(source, position);
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
      return writeOrFail(source, position);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      int written = writeOrFail(source, delegate.position());
      delegate.position(delegate.position() + written);
      return written;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      if (forces.incrementAndGet() == failingForce) {
        throw new IOException("Input/output error");
      }
      delegate.force(metaData);
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
      return delegate.read(target);
    }

    @Override
    public long read(ByteBuffer[] targets, int offset, int length) throws IOException {
      return delegate.read(targets, offset, length);
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
      throw new UnsupportedOperationException("gathering writes are not used by the store");
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      delegate.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      delegate.truncate(size);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long position, long count) throws IOException {
      return delegate.transferFrom(source, position, count);
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
      return delegate.read(target, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      delegate.close();
    }
  }
}

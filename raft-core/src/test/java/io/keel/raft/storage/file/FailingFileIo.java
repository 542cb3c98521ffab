package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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

  private final class FailingChannel extends InterceptingChannel {

    FailingChannel(FileChannel delegate) {
      super(delegate);
    }

    @Override
    protected int writeAt(ByteBuffer source, long position) throws IOException {
      if (writes.incrementAndGet() == failingWrite) {
        ByteBuffer half = source.duplicate();
        half.limit(half.position() + half.remaining() / 2);
        delegate.write(half, position);
        throw new IOException("No space left on device");
      }
      return delegate.write(source, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      if (forces.incrementAndGet() == failingForce) {
        throw new IOException("Input/output error");
      }
      delegate.force(metaData);
    }
  }
}

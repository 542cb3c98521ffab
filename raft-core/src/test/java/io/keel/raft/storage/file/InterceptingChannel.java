package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel that forwards to a real one, for the tests' faulty file systems: every write
 * comes through {@link #writeAt}, and a subclass overrides the few calls it intercepts (writes,
 * forces, truncations, closing). Calls the stores never make are refused, so a store that starts
 * making them cannot slip past a fault model unnoticed.
 */
abstract class InterceptingChannel extends FileChannel {

  protected final FileChannel delegate;

  InterceptingChannel(FileChannel delegate) {
    this.delegate = delegate;
  }

  /** Every write, at an explicit position; {@code delegate.write(source, position)} by default. */
  protected int writeAt(ByteBuffer source, long position) throws IOException {
    return delegate.write(source, position);
  }

  @Override
  public int write(ByteBuffer source, long position) throws IOException {
    return writeAt(source, position);
  }

  @Override
  public int write(ByteBuffer source) throws IOException {
    int written = writeAt(source, delegate.position());
    delegate.position(delegate.position() + written);
    return written;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    delegate.force(metaData);
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    delegate.truncate(size);
    return this;
  }

  @Override
  public int read(ByteBuffer target) throws IOException {
    return delegate.read(target);
  }

  @Override
  public int read(ByteBuffer target, long position) throws IOException {
    return delegate.read(target, position);
  }

  @Override
  public long read(ByteBuffer[] targets, int offset, int length) throws IOException {
    return delegate.read(targets, offset, length);
  }

  @Override
  public long write(ByteBuffer[] sources, int offset, int length) {
    throw new UnsupportedOperationException("gathering writes are not used by the stores");
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
  public long transferTo(long position, long count, WritableByteChannel target) {
    throw new UnsupportedOperationException("not used by the stores");
  }

  @Override
  public long transferFrom(ReadableByteChannel source, long position, long count) {
    throw new UnsupportedOperationException("not used by the stores");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) {
    throw new UnsupportedOperationException("not used by the stores");
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

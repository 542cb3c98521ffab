package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a log directory, held through its {@code lock} file while a store has it
 * open, so that two stores (in this process or another) never write the same log.
 *
 * <p>The lock file also remembers that the directory has held a store: it is empty when created,
 * and {@link #mark marked} with one line of text once the directory has a manifest. A marked lock
 * file without a manifest beside it means the manifest was lost, not that the directory is new.
 */
final class DirectoryLock implements AutoCloseable {

  static final String FILE_NAME = "lock";
  /** The content of a marked lock file. */
  static final String MARK = "keel log directory, format " + Manifest.VERSION + "\n";

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DirectoryLock acquire(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new IOException("cannot lock the log directory " + dir + ": " + file + " is not a regular file");
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("the log directory " + dir + " is in use by another store (it holds " + file + ")");
    }
    return new DirectoryLock(channel, lock);
  }

  /** Whether the lock file in {@code dir} exists and is marked (holds anything at all); only reads. */
  static boolean isMarked(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    return Files.isRegularFile(file) && Files.size(file) > 0;
  }

  /** Whether the held lock file is marked. */
  boolean marked() throws IOException {
    return channel.size() > 0;
  }

  /** Marks the held lock file: the directory now holds a manifest. */
  void mark(boolean sync) throws IOException {
    ByteBuffer content = ByteBuffer.wrap(MARK.getBytes(StandardCharsets.US_ASCII));
    while (content.hasRemaining()) {
      channel.write(content, content.position());
    }
    if (sync) {
      channel.force(true);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}

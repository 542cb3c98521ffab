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
 * An exclusive lock on a store's directory, held through its {@code lock} file while a store has
 * it open, so that two stores (in this process or another) never write the same files.
 *
 * <p>The lock file also remembers that the directory has held a store: it is empty when created,
 * and {@link #mark marked} with one line of text naming the kind of store once the directory holds
 * something the store must not lose. In a log directory that is the manifest: a marked lock file
 * without a manifest beside it means the manifest was lost, not that the directory is new. In a
 * snapshot directory it is a snapshot ({@link FileSnapshotStore}).
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
    return acquire(dir, "log directory", FileIo.DEFAULT);
  }

  /** Locks {@code dir}, a {@code kind} ("log directory") whose files are opened with {@code io}. */
  static DirectoryLock acquire(Path dir, String kind, FileIo io) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new IOException("cannot lock the " + kind + " " + dir + ": " + file + " is not a regular file");
    }
    FileChannel channel = io.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
      throw new IOException("the " + kind + " " + dir + " is in use by another store (it holds " + file + ")");
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

  /**
   * The held lock file's content as ASCII text, or its first {@code maxBytes} bytes if it is
   * longer (a lock file holds one short line, so a longer one is not a lock file of a Keel store).
   */
  String content(int maxBytes) throws IOException {
    ByteBuffer content = ByteBuffer.allocate((int) Math.min(maxBytes, channel.size()));
    while (content.hasRemaining() && channel.read(content, content.position()) >= 0) {
      // reads until full or at the end of the file
    }
    return new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII);
  }

  /** Marks the held lock file: the directory now holds a manifest. */
  void mark(boolean sync) throws IOException {
    mark(MARK, sync);
  }

  /** Marks the held lock file with {@code mark}, one line of ASCII text naming the kind of store. */
  void mark(String mark, boolean sync) throws IOException {
    ByteBuffer content = ByteBuffer.wrap(mark.getBytes(StandardCharsets.US_ASCII));
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

package io.keel.bench.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of a {@link FileKvStateMachine}'s records, shared by the state machine (which appends
 * to it) and the snapshot views taken of it (which read a prefix of it, on the snapshot thread).
 * It is reference-counted: the state machine holds one reference until it moves to another file
 * (a restore) or closes, each view holds one until it is closed, and the file is closed and
 * deleted when the last reference goes. Bytes once written are never written again, which is what
 * lets a view read its prefix while appends go on past it.
 */
final class StateFile {

  private final Path path;
  private final FileChannel channel;
  /** Guarded by this. */
  private int references = 1;

  private StateFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  /** Creates a new, empty file at {@code path}, with one reference: the creator's. */
  static StateFile create(Path path) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    return new StateFile(path, channel);
  }

  /** Takes one more reference; the file must still have one. */
  synchronized StateFile retain() {
    if (references <= 0) {
      throw new IllegalStateException(path + " was already released");
    }
    references++;
    return this;
  }

  /** Gives back one reference; the last one closes and deletes the file. */
  void release() throws IOException {
    synchronized (this) {
      if (references <= 0) {
        throw new IllegalStateException(path + " was released more often than retained");
      }
      if (--references > 0) {
        return;
      }
    }
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(path);
    }
  }

  /** Writes {@code length} bytes of {@code data} from {@code offset} at {@code position}. */
  void write(byte[] data, int offset, int length, long position) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(data, offset, length);
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  /** Reads into {@code buffer} from {@code position}; the bytes read, or -1 at the end of the file. */
  int read(ByteBuffer buffer, long position) throws IOException {
    return channel.read(buffer, position);
  }

  /** The file's size on disk. */
  long size() throws IOException {
    return channel.size();
  }

  Path path() {
    return path;
  }
}

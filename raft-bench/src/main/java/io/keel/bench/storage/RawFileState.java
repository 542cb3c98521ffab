package io.keel.bench.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The raw limit of the disk, measured the way the store uses it: the bytes of a batch of records
 * appended to a file with one {@link FileChannel#write} and one {@link FileChannel#force force(false)}
 * per batch, moving to a new file every 64 MiB as the store moves to a new segment.
 */
final class RawFileState {

  /** What the store adds to each entry's command on disk (record prefix, index, term, type). */
  static final int RECORD_OVERHEAD_BYTES = 29;
  private static final long FILE_BYTES = 64L << 20;

  private final Path dir;
  private final ByteBuffer batch;
  private FileChannel channel;
  private Path file;
  private long position;
  private int files;

  RawFileState(int entryBytes, int batchSize) throws IOException {
    dir = Files.createTempDirectory(Path.of(System.getProperty("keel.bench.dir", System.getProperty("java.io.tmpdir"))),
        "keel-bench-raw");
    batch = ByteBuffer.allocateDirect((entryBytes + RECORD_OVERHEAD_BYTES) * batchSize);
    while (batch.hasRemaining()) {
      batch.put((byte) batch.position());
    }
    nextFile();
  }

  /** Writes one batch's bytes and forces them. */
  void writeDurably() throws IOException {
    if (position >= FILE_BYTES) {
      nextFile();
    }
    batch.clear();
    while (batch.hasRemaining()) {
      position += channel.write(batch, position);
    }
    channel.force(false);
  }

  private void nextFile() throws IOException {
    if (channel != null) {
      channel.close();
      Files.delete(file);
    }
    file = dir.resolve("raw-" + files++);
    channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    position = 0;
  }

  void close() throws IOException {
    channel.close();
    Files.delete(file);
    Files.delete(dir);
  }
}

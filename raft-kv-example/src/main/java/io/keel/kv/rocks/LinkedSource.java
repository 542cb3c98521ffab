package io.keel.kv.rocks;

import io.keel.raft.snapshot.CorruptSnapshotException;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A snapshot kept as linked files, read as its payload: the manifest, then each file in the
 * manifest's order. Every file is opened when the source is, so the source reads on even after
 * a newer snapshot replaces this one; the store removes the directory once the last source on it
 * is closed.
 */
final class LinkedSource implements SnapshotSource {

  private final SnapshotInfo info;
  private final Path dir;
  private final LinkedSnapshots owner;
  private final byte[] manifest;
  private final FileChannel[] files;
  /** Where each part begins in the payload: the manifest at 0, file i at starts[i + 1]. */
  private final long[] starts;
  private boolean closed;

  private LinkedSource(SnapshotInfo info, Path dir, LinkedSnapshots owner, byte[] manifest, FileChannel[] files,
      long[] starts) {
    this.info = info;
    this.dir = dir;
    this.owner = owner;
    this.manifest = manifest;
    this.files = files;
    this.starts = starts;
  }

  static LinkedSource open(SnapshotInfo info, LinkedSnapshots owner) throws IOException {
    Path dir = owner.opened(info);
    FileChannel[] files = null;
    try {
      FileArchive archive = LinkedSnapshots.manifestOf(dir, info.sizeBytes());
      List<FileArchive.Entry> entries = archive.entries();
      files = new FileChannel[entries.size()];
      long[] starts = new long[entries.size() + 1];
      byte[] manifest = archive.manifest();
      long at = manifest.length;
      for (int i = 0; i < entries.size(); i++) {
        starts[i + 1] = at;
        files[i] = FileChannel.open(dir.resolve(LinkedSnapshots.FILES).resolve(entries.get(i).name()),
            StandardOpenOption.READ);
        if (files[i].size() != entries.get(i).size()) {
          throw new CorruptSnapshotException(dir, -1, "damaged: " + entries.get(i).name() + " holds "
              + files[i].size() + " bytes, its manifest says " + entries.get(i).size());
        }
        at += entries.get(i).size();
      }
      return new LinkedSource(info, dir, owner, manifest, files, starts);
    } catch (IOException | RuntimeException e) {
      closeAll(files);
      owner.closed(info.name());
      throw e;
    }
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
      throw new IllegalArgumentException("offset " + offset + " is negative");
    }
    if (offset >= size()) {
      return -1;
    }
    int part = Arrays.binarySearch(starts, offset);
    part = part >= 0 ? part : -part - 2;
    while (part < starts.length && starts[part] == offset && part > 0 && files[part - 1].size() == 0) {
      part++; // an empty file starts where the next part does
    }
    if (part == 0) {
      int count = (int) Math.min(destination.remaining(), manifest.length - offset);
      destination.put(manifest, (int) offset, count);
      return count;
    }
    FileChannel file = files[part - 1];
    long within = offset - starts[part];
    int limit = destination.limit();
    destination.limit((int) Math.min(limit, destination.position() + (file.size() - within)));
    try {
      int read = file.read(destination, within);
      if (read < 0) {
        throw new IOException("the snapshot " + dir + " ends early: a file is shorter than recorded");
      }
      return read;
    } finally {
      destination.limit(limit);
    }
  }

  @Override
  public InputStream stream() {
    return new InputStream() {
      private final CRC32C crc = new CRC32C();
      private long position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        int read = LinkedSource.this.read(position, ByteBuffer.wrap(b, off, len));
        if (read < 0) {
          if (crc.getValue() != info.checksum()) {
            throw new CorruptSnapshotException(dir, -1, "damaged: its bytes have CRC-32C "
                + Long.toHexString(crc.getValue()) + ", its record says " + Long.toHexString(info.checksum()));
          }
          return -1;
        }
        crc.update(b, off, read);
        position += read;
        return read;
      }
    };
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(dir.resolve(LinkedSnapshots.FILES));
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeAll(files);
    owner.closed(info.name());
  }

  private static void closeAll(FileChannel[] channels) {
    if (channels == null) {
      return;
    }
    for (FileChannel channel : channels) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // closing a channel opened for reading loses nothing
        }
      }
    }
  }
}

package io.keel.bench.snapshot;

import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The catch-up benchmark's state machine: a key/value state of any size kept in a file, never on
 * the heap, so that a JVM of 256 MiB can run three replicas of a 1 GiB state.
 *
 * <p><b>State.</b> The state is an append-only file of records ({@link KvRecords}): applying a
 * batch appends its records, byte for byte; a later record of the same key supersedes an earlier
 * one, as in a log-structured store (the benchmark writes each key once, so the file is exactly
 * the key/value data). In memory there are only counters: records, bytes, and a running CRC-32C
 * of every byte appended, which two replicas can compare to show they hold the same state.
 *
 * <p><b>Snapshot.</b> Because bytes once appended never change, a point-in-time view is the
 * file's current length: {@link #snapshot()} takes a reference to the file and its length, in
 * constant time, and the view streams that prefix to the snapshot store later, on the snapshot
 * thread, with one 1 MiB buffer, while applying goes on appending past it. The payload is a
 * 24-byte header (magic "KVS1", version, records, bytes) and the prefix.
 *
 * <p><b>Restore.</b> {@link #restore} streams a snapshot into a new file (a new generation),
 * checking its header and length, and only then switches to it; the old file is deleted once no
 * view reads it any more. A restore that fails leaves the old state as it was.
 *
 * <p><b>Durability.</b> None: the file is not synced, and the state machine starts empty on every
 * open ({@link #appliedIndex()} is 0). Keel restores it from the newest snapshot and replays the
 * log after it, which is the restart the benchmark measures. It keeps its data on disk only to keep
 * it off the heap. An I/O error while applying is thrown as an {@link IOError}, which stops the
 * node rather than letting the replica diverge.
 *
 * <p>Applying, {@link #snapshot()} and {@link #restore} run on the group's apply thread (restore
 * also on the starting thread, before any apply); {@link #summary()} and {@link #lastRestore()} may
 * be read from any thread.
 */
public final class FileKvStateMachine implements StateMachine<Long>, AutoCloseable {

  /** "KVS1": the first four bytes of every snapshot payload. */
  public static final int SNAPSHOT_MAGIC = 0x4B565331;
  /** The payload format's version. */
  public static final int SNAPSHOT_VERSION = 1;
  /** Bytes of the payload before the records: magic, version, record count, byte count. */
  public static final int SNAPSHOT_HEADER_BYTES = 24;

  private static final int COPY_BUFFER_BYTES = 1 << 20;

  /** What the state holds after the last apply or restore: comparable across replicas. */
  public record Summary(long appliedIndex, long records, long bytes, long checksum) {}

  /** When the last restore began and ended ({@link System#nanoTime()}), and how many state bytes it wrote. */
  public record Restore(long startNanos, long endNanos, long bytes) {
    /** How long it took, in seconds. */
    public double seconds() {
      return (endNanos - startNanos) / 1e9;
    }
  }

  private final Path directory;
  private CRC32C checksum = new CRC32C();
  private StateFile file;
  private long generation;
  private long records;
  private long bytes;
  private volatile Summary summary;
  private volatile Restore lastRestore;
  private volatile int restores;

  /**
   * Opens an empty state in {@code directory}, created if missing; state files left there by an
   * earlier run are deleted.
   */
  public FileKvStateMachine(Path directory) throws IOException {
    this.directory = directory;
    Files.createDirectories(directory);
    try (Stream<Path> old = Files.list(directory)) {
      for (Path path : old.filter(p -> p.getFileName().toString().startsWith("state-")).toList()) {
        Files.delete(path);
      }
    }
    this.file = StateFile.create(nextPath());
    this.summary = new Summary(0, 0, 0, checksum.getValue());
  }

  private Path nextPath() {
    return directory.resolve("state-" + generation++);
  }

  @Override
  public Long apply(long index, byte[] command) {
    int count = KvRecords.check(command); // a malformed batch fails its proposal, the same on every replica
    int length = command.length - KvRecords.HEADER_BYTES;
    try {
      file.write(command, KvRecords.HEADER_BYTES, length, bytes);
    } catch (IOException e) {
      throw new IOError(e); // the state is no longer what was applied: stop the node
    }
    checksum.update(command, KvRecords.HEADER_BYTES, length);
    bytes += length;
    records += count;
    summary = new Summary(index, records, bytes, checksum.getValue());
    return records;
  }

  @Override
  public StateMachineSnapshot snapshot() {
    return new View(file.retain(), records, bytes);
  }

  @Override
  public void restore(long lastIndex, InputStream in) throws IOException {
    long start = System.nanoTime();
    DataInputStream data = new DataInputStream(in);
    int magic = data.readInt();
    int version = data.readInt();
    long restoredRecords = data.readLong();
    long restoredBytes = data.readLong();
    if (magic != SNAPSHOT_MAGIC || version != SNAPSHOT_VERSION) {
      throw new IOException("not a key/value snapshot of version " + SNAPSHOT_VERSION + ": magic "
          + Integer.toHexString(magic) + ", version " + version);
    }
    if (restoredRecords < 0 || restoredBytes < restoredRecords * KvRecords.RECORD_HEADER_BYTES) {
      throw new IOException("a key/value snapshot of " + restoredRecords + " records in " + restoredBytes + " bytes");
    }
    StateFile fresh = StateFile.create(nextPath());
    CRC32C restoredChecksum = new CRC32C();
    try {
      copy(data, fresh, restoredBytes, restoredChecksum);
      if (data.read() != -1) {
        throw new IOException("bytes after the " + restoredBytes + " bytes of records the snapshot's header announced");
      }
    } catch (IOException | RuntimeException e) {
      fresh.release();
      throw e;
    }
    StateFile old = file;
    file = fresh;
    old.release();
    checksum = restoredChecksum; // the running checksum goes on from the restored bytes
    records = restoredRecords;
    bytes = restoredBytes;
    summary = new Summary(lastIndex, records, bytes, checksum.getValue());
    lastRestore = new Restore(start, System.nanoTime(), restoredBytes);
    restores++;
  }

  /** Copies exactly {@code length} bytes from {@code in} into {@code into}, checksumming them. */
  private static void copy(DataInputStream in, StateFile into, long length, CRC32C sum) throws IOException {
    byte[] buffer = new byte[COPY_BUFFER_BYTES];
    long copied = 0;
    while (copied < length) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, length - copied));
      if (read < 0) {
        throw new EOFException("the snapshot ends after " + copied + " of the " + length + " bytes of records");
      }
      into.write(buffer, 0, read, copied);
      sum.update(buffer, 0, read);
      copied += read;
    }
  }

  /** The counters and checksum after the last apply or restore. */
  public Summary summary() {
    return summary;
  }

  /** The last restore's timing, or null if there was none. */
  public Restore lastRestore() {
    return lastRestore;
  }

  /** How many times the state was restored from a snapshot. */
  public int restores() {
    return restores;
  }

  /** Lets go of the state file (deleted once no snapshot view reads it). */
  @Override
  public void close() throws IOException {
    file.release();
  }

  /** A point-in-time view: the first {@code bytes} bytes of a state file, which never change. */
  private static final class View implements StateMachineSnapshot {
    private final StateFile file;
    private final long records;
    private final long bytes;
    private boolean closed;

    View(StateFile file, long records, long bytes) {
      this.file = file;
      this.records = records;
      this.bytes = bytes;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      DataOutputStream header = new DataOutputStream(out);
      header.writeInt(SNAPSHOT_MAGIC);
      header.writeInt(SNAPSHOT_VERSION);
      header.writeLong(records);
      header.writeLong(bytes);
      header.flush();
      byte[] array = new byte[COPY_BUFFER_BYTES];
      ByteBuffer buffer = ByteBuffer.wrap(array);
      long at = 0;
      while (at < bytes) {
        buffer.clear().limit((int) Math.min(array.length, bytes - at));
        int read = file.read(buffer, at);
        if (read < 0) {
          throw new EOFException(file.path() + " ends at " + at + ", before the view's " + bytes + " bytes");
        }
        out.write(array, 0, read);
        at += read;
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        file.release();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}

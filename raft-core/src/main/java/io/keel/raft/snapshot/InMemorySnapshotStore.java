package io.keel.raft.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * A {@link SnapshotStore} in memory, for tests and the simulator, with the same contract and the
 * same checks as the file store: sizes and checksums are verified before a received snapshot is
 * installed, streams verify the checksum at their end, and a snapshot at or below the latest's
 * index is refused. Payloads are held in memory, so they must stay under 2 GiB.
 *
 * <p>{@link #crash()} gives the store as a node restarted after a crash finds it: the latest
 * snapshot, and of a snapshot being received only what was made durable; every sink of the
 * crashed store is dead.
 */
public final class InMemorySnapshotStore implements SnapshotStore {

  /** The largest payload held: what fits in one array. */
  public static final int MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 8;

  /** A complete snapshot and its payload, never modified. */
  private record Stored(SnapshotInfo info, byte[] payload) {}

  /** The durable part of a received snapshot: {@code bytes[0, durable)}. */
  private record Partial(SnapshotMeta meta, long size, long checksum, byte[] bytes, int durable) {
    boolean isOf(SnapshotMeta otherMeta, long otherSize, long otherChecksum) {
      return meta.equals(otherMeta) && size == otherSize && checksum == otherChecksum;
    }
  }

  private volatile Stored latest;
  private Partial retained;
  private MemorySink receiving;
  private final Set<Long> creating = new HashSet<>();
  private boolean closed;
  private boolean crashed;

  /** An empty store. */
  public InMemorySnapshotStore() {}

  private InMemorySnapshotStore(Stored latest, Partial retained) {
    this.latest = latest;
    this.retained = retained;
  }

  @Override
  public Optional<SnapshotInfo> latest() {
    Stored stored = latest;
    return stored == null ? Optional.empty() : Optional.of(stored.info);
  }

  @Override
  public synchronized SnapshotSink create(SnapshotMeta meta) {
    checkOpen();
    checkNewer(meta);
    if (!creating.add(meta.lastIndex())) {
      throw new IllegalStateException("a snapshot at index " + meta.lastIndex() + " is already being created");
    }
    return new MemorySink(meta, -1, -1, new byte[1024], 0);
  }

  @Override
  public synchronized SnapshotSink receive(SnapshotMeta meta, long size, long checksum) {
    checkOpen();
    checkNewer(meta);
    SnapshotInfo.checkPayload(size, checksum);
    if (size > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("the in-memory store holds payloads of at most " + MAX_PAYLOAD_BYTES
          + " bytes, not " + size);
    }
    if (receiving != null) {
      receiving.release();
    }
    if (retained != null && !retained.isOf(meta, size, checksum)) {
      retained = null;
    }
    receiving = retained == null ? new MemorySink(meta, size, checksum, new byte[1024], 0)
        : new MemorySink(meta, size, checksum, retained.bytes, retained.durable);
    return receiving;
  }

  @Override
  public SnapshotSource open(SnapshotInfo info) throws IOException {
    Objects.requireNonNull(info, "info");
    Stored stored = latest;
    if (stored == null || !stored.info.name().equals(info.name())) {
      throw new NoSuchFileException(info.name(), null, "the store no longer holds this snapshot; its latest is "
          + (stored == null ? "none" : stored.info.name()));
    }
    if (!stored.info.equals(info)) {
      throw new CorruptSnapshotException(location(info.name()), -1, "the store holds " + stored.info + ", not " + info);
    }
    return new MemorySource(stored);
  }

  /**
   * The store as a node restarted after a crash finds it: the latest snapshot, and the part of a
   * snapshot being received that was made durable. This store and its sinks refuse every call
   * afterwards; its sources stay readable.
   */
  public synchronized InMemorySnapshotStore crash() {
    checkOpen();
    crashed = true;
    return new InMemorySnapshotStore(latest, retained);
  }

  /** Closes the store; its unfinished sinks fail at their next call. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
  }

  private void checkOpen() {
    if (crashed || closed) {
      throw new IllegalStateException("the in-memory snapshot store is " + (crashed ? "crashed" : "closed"));
    }
  }

  private void checkNewer(SnapshotMeta meta) {
    Objects.requireNonNull(meta, "meta");
    Stored stored = latest;
    if (stored != null && meta.lastIndex() <= stored.info.lastIndex()) {
      throw new IllegalArgumentException("a snapshot at " + meta.lastIndex() + " is not newer than the latest, "
          + stored.info);
    }
  }

  /** The name of the snapshot at {@code index}: as the file store's file, {@code snapshot-} and 20 digits. */
  private static String name(long index) {
    String digits = Long.toString(index);
    return "snapshot-" + "0".repeat(20 - digits.length()) + digits;
  }

  private static String location(String name) {
    return "in-memory " + name;
  }

  /** Installs a finished sink's payload as the latest snapshot, if it is still newer. */
  private synchronized SnapshotInfo install(MemorySink sink, byte[] payload, long checksum) {
    checkOpen();
    if (sink.received) {
      retained = null;
      receiving = null;
    } else {
      creating.remove(sink.meta.lastIndex());
    }
    Stored stored = latest;
    if (stored != null && sink.meta.lastIndex() <= stored.info.lastIndex()) {
      throw new IllegalStateException("the snapshot at " + sink.meta.lastIndex() + " was discarded: the store "
          + "installed " + stored.info + " meanwhile");
    }
    SnapshotInfo info = new SnapshotInfo(sink.meta, payload.length, checksum, name(sink.meta.lastIndex()));
    latest = new Stored(info, payload);
    if (retained != null && retained.meta.lastIndex() <= info.lastIndex()) {
      retained = null;
    }
    return info;
  }

  /** Forgets a sink that ends unfinished; a received one's durable part stays, unless {@code discard}. */
  private synchronized void forget(MemorySink sink, boolean discard) {
    if (sink.received) {
      if (receiving == sink) {
        receiving = null;
      }
      if (discard && retained != null && retained.isOf(sink.meta, sink.size, sink.checksum)) {
        retained = null;
      }
    } else {
      creating.remove(sink.meta.lastIndex());
    }
  }

  /** Records a received sink's durable part; false if the store no longer accepts it. */
  private synchronized boolean keep(MemorySink sink) {
    checkOpen();
    if (receiving != sink) {
      return false;
    }
    retained = new Partial(sink.meta, sink.size, sink.checksum, sink.bytes, sink.length);
    return true;
  }

  private enum SinkState { OPEN, FINISHED, ENDED }

  /** A sink: created ({@code size < 0}) or received. */
  private final class MemorySink implements SnapshotSink {
    private final SnapshotMeta meta;
    private final boolean received;
    private final long size;
    private final long checksum;
    private final CRC32C crc = new CRC32C();
    private final OutputStream stream = new SinkStream();
    private byte[] bytes;
    private int length;
    private SinkState state = SinkState.OPEN;

    MemorySink(SnapshotMeta meta, long size, long checksum, byte[] bytes, int length) {
      this.meta = meta;
      this.received = size >= 0;
      this.size = size;
      this.checksum = checksum;
      this.bytes = bytes;
      this.length = length;
      crc.update(bytes, 0, length);
    }

    @Override
    public SnapshotMeta meta() {
      return meta;
    }

    @Override
    public long position() {
      return length;
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    @Override
    public boolean write(long offset, ByteBuffer chunk) {
      checkUsable();
      long chunkBytes = chunk.remaining();
      if (offset < 0 || offset > Long.MAX_VALUE - chunkBytes) {
        throw new IllegalArgumentException("impossible chunk offset " + offset + " for " + chunkBytes + " bytes");
      }
      if (received && offset + chunkBytes > size) {
        throw new IllegalArgumentException("the chunk [" + offset + ", " + (offset + chunkBytes) + ") runs past the "
            + "snapshot's declared size, " + size + " bytes");
      }
      if (offset > length) {
        return false;
      }
      chunk.position(chunk.position() + (int) Math.min(chunkBytes, length - offset));
      append(chunk);
      return true;
    }

    private void append(ByteBuffer source) {
      int count = source.remaining();
      if (count > MAX_PAYLOAD_BYTES - length) {
        throw new IllegalStateException("the in-memory store holds payloads of at most " + MAX_PAYLOAD_BYTES
            + " bytes");
      }
      if (length + count > bytes.length) {
        bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_PAYLOAD_BYTES, Math.max(length + count, 2L * bytes.length)));
      }
      source.get(bytes, length, count);
      crc.update(bytes, length, count);
      length += count;
    }

    @Override
    public void sync() {
      checkUsable();
      if (received && !keep(this)) {
        throw new IllegalStateException("a later receive replaced this sink");
      }
    }

    @Override
    public SnapshotInfo finish() throws IOException {
      checkUsable();
      if (received && length != size) {
        throw new IllegalStateException(location(name(meta.lastIndex())) + " holds " + length + " of the snapshot's "
            + size + " bytes; it cannot be finished yet");
      }
      if (received && crc.getValue() != checksum) {
        state = SinkState.ENDED;
        forget(this, true);
        throw new CorruptSnapshotException(location(name(meta.lastIndex())), -1, "the received payload's CRC-32C is "
            + Long.toHexString(crc.getValue()) + ", but its sender declared " + Long.toHexString(checksum)
            + "; the snapshot was discarded");
      }
      state = SinkState.FINISHED;
      try {
        return install(this, Arrays.copyOf(bytes, length), crc.getValue());
      } finally {
        bytes = null;
      }
    }

    @Override
    public void abort() {
      if (state == SinkState.OPEN) {
        state = SinkState.ENDED;
        forget(this, true);
      }
    }

    @Override
    public void close() {
      if (state != SinkState.OPEN) {
        return;
      }
      if (received && !crashed && !closed) {
        keep(this);
      }
      state = SinkState.ENDED;
      forget(this, false);
    }

    /** Ends the sink because a later {@code receive} replaces it; its bytes stay, as on close. */
    void release() {
      if (state == SinkState.OPEN) {
        keep(this);
        state = SinkState.ENDED;
      }
    }

    private void checkUsable() {
      if (state != SinkState.OPEN) {
        throw new IllegalStateException("the sink of " + meta + " is " + (state == SinkState.FINISHED ? "finished"
            : "closed, aborted or replaced by a later receive"));
      }
      checkOpen();
    }

    /** The sink's stream: every write appends at the position. */
    private final class SinkStream extends OutputStream {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] source, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, source.length);
        checkUsable();
        if (received && length + (long) count > size) {
          throw new IllegalArgumentException("the write runs past the snapshot's declared size, " + size + " bytes");
        }
        append(ByteBuffer.wrap(source, offset, count));
      }
    }
  }

  /** A source over a stored payload, which is never modified. */
  private static final class MemorySource implements SnapshotSource {
    private final Stored stored;

    MemorySource(Stored stored) {
      this.stored = stored;
    }

    @Override
    public SnapshotInfo info() {
      return stored.info;
    }

    @Override
    public long size() {
      return stored.payload.length;
    }

    @Override
    public int read(long offset, ByteBuffer destination) {
      if (offset < 0) {
        throw new IllegalArgumentException("negative offset " + offset);
      }
      if (offset >= stored.payload.length) {
        return -1;
      }
      int count = (int) Math.min(destination.remaining(), stored.payload.length - offset);
      destination.put(stored.payload, (int) offset, count);
      return count;
    }

    @Override
    public InputStream stream() {
      return new VerifyingStream();
    }

    @Override
    public void close() {}

    /** Reads the payload and checks its checksum at the end. */
    private final class VerifyingStream extends InputStream {
      private final CRC32C crc = new CRC32C();
      private int position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] target, int offset, int count) throws IOException {
        Objects.checkFromIndexSize(offset, count, target.length);
        byte[] payload = stored.payload;
        if (position == payload.length) {
          if (crc.getValue() != stored.info.checksum()) {
            throw new CorruptSnapshotException(location(stored.info.name()), -1, "the payload's CRC-32C is "
                + Long.toHexString(crc.getValue()) + ", not " + Long.toHexString(stored.info.checksum()));
          }
          return count == 0 ? 0 : -1;
        }
        int read = Math.min(count, payload.length - position);
        System.arraycopy(payload, position, target, offset, read);
        crc.update(payload, position, read);
        position += read;
        return read;
      }
    }
  }
}

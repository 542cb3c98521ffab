package io.keel.kv.rocks;

import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import io.keel.raft.snapshot.SnapshotSource;
import io.keel.raft.snapshot.SnapshotStore;
import io.keel.raft.storage.file.FileSnapshotStore;
import io.keel.raft.storage.file.FileSnapshotStoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot store of a group on RocksDB: a snapshot is kept as the files of a RocksDB
 * checkpoint, hard-linked, not copied ({@link LinkedSnapshots} in {@code linked/}), and sent to a
 * follower file by file as one payload ({@link FileArchive}). What arrives from a leader is
 * received, resumed after lost chunks or crashes, and checked by a {@link FileSnapshotStore} in
 * {@code stream/}; once complete, it is unpacked into linked files, so the state machine can
 * switch to it by links too, and the received copy is dropped. A payload that is no archive (a
 * state machine that streams its state) is kept as the file store keeps it.
 *
 * <p>The store's latest snapshot is the newer of the two parts' latest; installing a snapshot in
 * one part empties the other. Methods may be called from any thread.
 */
public final class CheckpointSnapshotStore implements SnapshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointSnapshotStore.class);

  private final Path streamDir;
  private final FileSnapshotStoreOptions streamOptions;
  private final LinkedSnapshots linked;
  private FileSnapshotStore stream;

  private CheckpointSnapshotStore(Path streamDir, FileSnapshotStoreOptions streamOptions, LinkedSnapshots linked) {
    this.streamDir = streamDir;
    this.streamOptions = streamOptions;
    this.linked = linked;
  }

  /**
   * Opens the store in {@code dir}, keeping the newer of what its two parts hold.
   *
   * @throws io.keel.raft.snapshot.CorruptSnapshotException if the latest snapshot is damaged
   */
  public static CheckpointSnapshotStore open(Path dir) throws IOException {
    return open(dir, FileSnapshotStoreOptions.defaults());
  }

  /** Opens the store in {@code dir}, its stream part with {@code streamOptions} (tests crash it through them). */
  static CheckpointSnapshotStore open(Path dir, FileSnapshotStoreOptions streamOptions) throws IOException {
    LinkedSnapshots linked = LinkedSnapshots.open(dir.resolve("linked"));
    CheckpointSnapshotStore store = new CheckpointSnapshotStore(dir.resolve("stream"), streamOptions, linked);
    store.stream = store.openStream();
    long linkedIndex = linked.latest().map(SnapshotInfo::lastIndex).orElse(-1L);
    long streamIndex = store.stream.latest().map(SnapshotInfo::lastIndex).orElse(-1L);
    if (linkedIndex > streamIndex && streamIndex >= 0) {
      store.dropStream();
    } else if (streamIndex > linkedIndex && linkedIndex >= 0) {
      linked.clear();
    }
    return store;
  }

  private FileSnapshotStore openStream() throws IOException {
    return FileSnapshotStore.open(streamDir, streamOptions);
  }

  /** Empties the stream part, by removing its directory whole: the linked part holds a newer snapshot. */
  private synchronized void dropStream() throws IOException {
    stream.close();
    Durable.deleteTree(streamDir);
    stream = openStream();
  }

  private synchronized FileSnapshotStore streamPart() {
    return stream;
  }

  @Override
  public synchronized Optional<SnapshotInfo> latest() {
    Optional<SnapshotInfo> inLinked = linked.latest();
    Optional<SnapshotInfo> inStream = stream.latest();
    if (inLinked.isEmpty()) {
      return inStream;
    }
    if (inStream.isEmpty()) {
      return inLinked;
    }
    return inLinked.get().lastIndex() >= inStream.get().lastIndex() ? inLinked : inStream;
  }

  private void checkNewer(SnapshotMeta meta) {
    Optional<SnapshotInfo> latest = latest();
    if (latest.isPresent() && latest.get().lastIndex() >= meta.lastIndex()) {
      throw new IllegalArgumentException("snapshot " + meta + " is not newer than the latest, " + latest.get().meta());
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The stream part's sink is made at once, so that its rules (one snapshot at an index at a
   * time, none in a closed store) hold whichever way the snapshot is then written; a view that is
   * a checkpoint is linked instead, and that sink discarded.
   */
  @Override
  public SnapshotSink create(SnapshotMeta meta) throws IOException {
    checkNewer(meta);
    return new Created(meta, streamPart().create(meta));
  }

  @Override
  public SnapshotSink receive(SnapshotMeta meta, long size, long checksum) throws IOException {
    SnapshotInfo.checkPayload(size, checksum);
    checkNewer(meta);
    return new Received(streamPart().receive(meta, size, checksum));
  }

  @Override
  public SnapshotSource open(SnapshotInfo info) throws IOException {
    return LinkedSnapshots.isLinked(info) ? LinkedSource.open(info, linked) : streamPart().open(info);
  }

  @Override
  public synchronized void close() throws IOException {
    stream.close();
  }

  /** After the stream part installed {@code info}: the linked part's older snapshot goes. */
  private void streamInstalled(SnapshotInfo info) throws IOException {
    if (linked.latest().map(latest -> latest.lastIndex() < info.lastIndex()).orElse(false)) {
      linked.clear();
    }
  }

  /** After the linked part installed a snapshot: the stream part's older one goes. */
  private void linkedInstalled() throws IOException {
    if (streamPart().latest().isPresent()) {
      dropStream();
    }
  }

  /**
   * A snapshot this node takes: linked from a checkpoint's files when the view is a directory,
   * otherwise streamed into the stream part.
   */
  private final class Created extends ForwardingSink {
    private final SnapshotMeta meta;
    private Path build;
    private LinkedSnapshots.Payload payload;

    Created(SnapshotMeta meta, SnapshotSink streamed) {
      this.meta = meta;
      this.delegate = streamed;
    }

    @Override
    public SnapshotMeta meta() {
      return meta;
    }

    @Override
    SnapshotSink streamed() {
      if (build != null) {
        throw new IllegalStateException("snapshot " + meta + " is being linked from a checkpoint, not streamed");
      }
      return delegate;
    }

    @Override
    public void writeFrom(StateMachineSnapshot view) throws IOException {
      Optional<Path> files = view.directory();
      if (files.isEmpty() || delegate.position() > 0) {
        view.writeTo(stream());
        return;
      }
      delegate.abort();
      build = linked.newBuild();
      payload = linked.linkFrom(files.get(), build);
    }

    @Override
    public SnapshotInfo finish() throws IOException {
      if (build == null) {
        SnapshotInfo info = streamed().finish();
        streamInstalled(info);
        return info;
      }
      Optional<SnapshotInfo> latest = latest();
      if (latest.isPresent() && latest.get().lastIndex() >= meta.lastIndex()) {
        abort();
        throw new IllegalStateException("snapshot " + latest.get().meta() + " was installed meanwhile; " + meta
            + " is discarded");
      }
      SnapshotInfo info = linked.install(build, meta, payload.size(), payload.checksum());
      build = null;
      linkedInstalled();
      return info;
    }

    @Override
    public void abort() throws IOException {
      if (build != null) {
        Durable.deleteTree(build);
        build = null;
      }
      super.abort();
    }

    @Override
    public void close() throws IOException {
      if (build != null) {
        abort();
      } else {
        super.close();
      }
    }
  }

  /** A snapshot the leader sends: received by the stream part, then unpacked into linked files if it is an archive. */
  private final class Received extends ForwardingSink {
    Received(SnapshotSink received) {
      this.delegate = received;
    }

    @Override
    public SnapshotMeta meta() {
      return delegate.meta();
    }

    @Override
    SnapshotSink streamed() {
      return delegate;
    }

    @Override
    public SnapshotInfo finish() throws IOException {
      SnapshotInfo received = delegate.finish(); // checked against its declared size and checksum
      streamInstalled(received);
      try {
        return unpacked(received);
      } catch (IOException e) {
        LOG.info("snapshot {} is kept as received, not as linked files: {}", received.meta(), e.getMessage());
        return received;
      }
    }

    private SnapshotInfo unpacked(SnapshotInfo received) throws IOException {
      Path build = linked.newBuild();
      try (SnapshotSource source = streamPart().open(received); InputStream in = source.stream()) {
        linked.unpackFrom(in, received.sizeBytes(), build);
      } catch (IOException | RuntimeException e) {
        Durable.deleteTree(build);
        throw e;
      }
      SnapshotInfo info = linked.install(build, received.meta(), received.sizeBytes(), received.checksum());
      linkedInstalled();
      return info;
    }
  }

  /** A sink that hands what it is given to the stream part's sink. */
  private abstract static class ForwardingSink implements SnapshotSink {
    SnapshotSink delegate;

    /** The stream part's sink. */
    abstract SnapshotSink streamed();

    @Override
    public long position() {
      return delegate == null ? 0 : delegate.position();
    }

    @Override
    public OutputStream stream() {
      return streamed().stream();
    }

    @Override
    public boolean write(long offset, ByteBuffer chunk) throws IOException {
      return streamed().write(offset, chunk);
    }

    @Override
    public void sync() throws IOException {
      if (delegate != null) {
        delegate.sync();
      }
    }

    @Override
    public void abort() throws IOException {
      if (delegate != null) {
        delegate.abort();
      }
    }

    @Override
    public void close() throws IOException {
      if (delegate != null) {
        delegate.close();
      }
    }
  }
}

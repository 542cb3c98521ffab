package io.keel.kv.rocks;

import io.keel.kv.store.KvApplier;
import io.keel.kv.store.KvCodec;
import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvLimits;
import io.keel.kv.store.KvResult;
import io.keel.kv.store.KvState;
import io.keel.kv.store.Members;
import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.session.SessionLimits;
import io.keel.raft.session.SessionStateMachine;
import io.keel.raft.session.SessionTableStorage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.rocksdb.Checkpoint;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The key-value store kept in RocksDB, so that its state may be larger than memory and a restart
 * resumes from where it was instead of replaying the log. Commands mean what they mean in the map
 * in memory ({@link KvApplier}); the client sessions' table is kept in the same database
 * ({@link SessionTableStorage}).
 *
 * <p><b>Applied index, atomically.</b> A run of applies goes into one indexed write batch (reads
 * during the run see its earlier writes), and {@link #flush} writes it in one atomic write with
 * the index applied, the key count and the sessions that changed. A crash keeps all of a run or
 * none of it, so on open the stored index is exactly what the data holds, and Keel replays only
 * what follows. A failure of the store while applying is no result of the command: it throws
 * {@link StoreFailure}, an {@link Error}, which stops this replica.
 *
 * <p><b>Snapshots.</b> A snapshot is a RocksDB checkpoint, made of hard links in a moment on the
 * apply thread; a {@link CheckpointSnapshotStore} keeps it as linked files and sends it file by file.
 * A snapshot is restored by building a new database beside the one in use, from links to the
 * snapshot's files where it has them (or from the streamed archive), checking that it holds the
 * snapshot's index, and switching to it atomically ({@link RocksDbHome}).
 *
 * <p>Reads ({@link KvState}) may come from any thread: they see the state as of the last flush.
 */
public final class RocksDbStateMachine implements StateMachine<KvResult>, KvState, SessionTableStorage,
    AutoCloseable {

  private final RocksDbHome home;
  private final RocksDbSettings settings;
  private final KvCodec codec;
  private final KvApplier applier;
  private final Members members = new Members();
  private final PendingRun pending;
  private volatile RocksDbHandle handle;
  /** The key count as of the last flush; reads on any thread see it. */
  private volatile long size;

  private RocksDbStateMachine(RocksDbHome home, RocksDbSettings settings, KvLimits limits, RocksDbHandle handle)
      throws IOException {
    this.home = home;
    this.settings = settings;
    this.codec = new KvCodec(limits);
    this.applier = new KvApplier(limits);
    this.handle = handle;
    this.pending = new PendingRun();
    loadMirrors();
  }

  /**
   * Opens (or creates) the store kept in {@code dir}, with memory and options from {@code settings}.
   *
   * @throws IOException if the database cannot be opened, or what it holds is damaged
   */
  public static RocksDbStateMachine open(Path dir, RocksDbSettings settings, KvLimits limits) throws IOException {
    RocksDbHome home = RocksDbHome.open(dir);
    RocksDbHandle handle = RocksDbHandle.open(home.current(), settings);
    try {
      return new RocksDbStateMachine(home, settings, limits, handle);
    } catch (IOException | RuntimeException e) {
      handle.close();
      throw e;
    }
  }

  /**
   * The store as every replica of the service runs it: in client sessions, whose table it keeps
   * ({@link SessionStateMachine} with a {@link SessionTableStorage}).
   */
  public SessionStateMachine<KvResult> inSessions(SessionLimits sessions) {
    return new SessionStateMachine<>(this, codec.results(), sessions);
  }

  private void loadMirrors() throws IOException {
    List<KvCommand.Announce> announced = new ArrayList<>();
    for (byte[] value : handle.values(Keys.MEMBER_PREFIX)) {
      KvCommand decoded;
      try {
        decoded = codec.decodeCommand(value);
      } catch (IllegalArgumentException e) {
        throw new IOException("a damaged member record in " + home.current() + ": " + e.getMessage(), e);
      }
      if (!(decoded instanceof KvCommand.Announce announce)) {
        throw new IOException("a member record in " + home.current() + " holds " + decoded.getClass().getSimpleName());
      }
      announced.add(announce);
    }
    members.replaceAll(announced);
    size = handle.readLong(Keys.SIZE);
    pending.reset(size);
  }

  // ------------------------------------------------------------------ applying

  // region apply-and-flush
  /**
   * Applies one encoded command into the current run.
   *
   * @throws IllegalArgumentException if {@code command} is no command of this format: every replica refuses it alike
   * @throws StoreFailure if RocksDB fails: the replica's state is then unknown
   */
  @Override
  public KvResult apply(long index, byte[] command) {
    return applier.apply(codec.decodeCommand(command), pending);
  }

  /** Writes the run, with {@code lastIndex} as the applied index, in one atomic write. */
  @Override
  public void flush(long lastIndex) {
    pending.putLong(Keys.APPLIED, lastIndex);
    pending.putLong(Keys.SIZE, pending.size);
    handle.write(pending.batch);
    pending.batch.clear();
    size = pending.size;
  }

  /** The index of the last entry whose effects the database holds; Keel hands out only what follows. */
  @Override
  public long appliedIndex() {
    return handle.readLong(Keys.APPLIED);
  }
  // endregion

  /** The writes of the current run, read back by the commands that follow in it. */
  private final class PendingRun implements KvApplier.Target {
    private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
    /** The key count with the run's writes. */
    private long size;

    void reset(long committed) {
      batch.clear();
      size = committed;
    }

    @Override
    public byte[] get(byte[] key) {
      return handle.get(batch, Keys.data(key));
    }

    @Override
    public void put(byte[] key, byte[] value) {
      byte[] stored = Keys.data(key);
      if (handle.get(batch, stored) == null) {
        size++;
      }
      put(stored, value, batch);
    }

    @Override
    public boolean remove(byte[] key) {
      byte[] stored = Keys.data(key);
      if (handle.get(batch, stored) == null) {
        return false;
      }
      delete(stored, batch);
      size--;
      return true;
    }

    @Override
    public void announce(KvCommand.Announce announce) {
      put(Keys.member(announce.node()), codec.encode(announce), batch);
      members.announce(announce);
    }

    void putLong(byte[] key, long value) {
      put(key, Keys.longBytes(value), batch);
    }

    private static void put(byte[] key, byte[] value, WriteBatchWithIndex batch) {
      try {
        batch.put(key, value);
      } catch (RocksDBException e) {
        throw new StoreFailure("writing to the write batch failed", e);
      }
    }

    private static void delete(byte[] key, WriteBatchWithIndex batch) {
      try {
        batch.delete(key);
      } catch (RocksDBException e) {
        throw new StoreFailure("deleting from the write batch failed", e);
      }
    }
  }

  // ------------------------------------------------------------------ the session table

  // region sessions
  @Override
  public byte[] sessionTableRecord() {
    return handle.get(null, Keys.SESSION_TABLE);
  }

  @Override
  public void forEachSessionRecord(Consumer<byte[]> each) {
    handle.values(Keys.SESSION_PREFIX).forEach(each);
  }

  @Override
  public void putSessionTableRecord(byte[] record) {
    PendingRun.put(Keys.SESSION_TABLE, record, pending.batch);
  }

  @Override
  public void putSessionRecord(long clientId, byte[] record) {
    PendingRun.put(Keys.session(clientId), record, pending.batch);
  }

  @Override
  public void deleteSessionRecord(long clientId) {
    PendingRun.delete(Keys.session(clientId), pending.batch);
  }
  // endregion

  // ------------------------------------------------------------------ reads, from any thread

  @Override
  public byte[] get(byte[] key) {
    return handle.get(null, Keys.data(key));
  }

  @Override
  public boolean exists(byte[] key) {
    return get(key) != null;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public Optional<KvCommand.Announce> member(String node) {
    return members.of(node);
  }

  @Override
  public Map<String, KvCommand.Announce> members() {
    return members.all();
  }

  // ------------------------------------------------------------------ snapshots

  // region snapshot-and-restore
  /** A checkpoint of the database as of the last flush: hard links, made in a moment. */
  @Override
  public StateMachineSnapshot snapshot() {
    Path dir = home.newCheckpoint();
    try (Checkpoint checkpoint = Checkpoint.create(handle.db())) {
      checkpoint.createCheckpoint(dir.toString());
    } catch (RocksDBException e) {
      throw new IllegalStateException("RocksDB could not make a checkpoint in " + dir + ": " + e.getMessage(), e);
    }
    return new CheckpointView(dir);
  }

  /** Builds a new database from links to the snapshot's files, checks it, and switches to it. */
  @Override
  public boolean restoreFromDirectory(long lastIndex, Path directory) throws IOException {
    Path next = home.nextGeneration();
    RocksDbHome.linkCheckpoint(directory, next);
    install(lastIndex, next);
    return true;
  }

  /** Builds a new database from the archive streamed in, checks it, and switches to it. */
  @Override
  public void restore(long lastIndex, InputStream in) throws IOException {
    Path next = home.nextGeneration();
    FileArchive.readManifest(in, -1).unpack(in, next);
    install(lastIndex, next);
  }

  private void install(long lastIndex, Path next) throws IOException {
    RocksDbHandle opened;
    try {
      opened = RocksDbHandle.open(next, settings);
    } catch (IOException e) {
      Durable.deleteTree(next);
      throw e;
    }
    long held = opened.readLong(Keys.APPLIED);
    if (held != lastIndex) {
      opened.close();
      Durable.deleteTree(next);
      throw new IOException("the snapshot's database holds index " + held + ", the snapshot stands for " + lastIndex);
    }
    RocksDbHandle old = handle;
    Path oldDirectory = home.switchTo(next); // durable: from here a restart opens the new database
    handle = opened;
    old.close(); // waits for reads on other threads to leave it
    Durable.deleteTree(oldDirectory);
    loadMirrors();
  }
  // endregion

  /** Closes the database; reads after this fail. */
  @Override
  public void close() {
    pending.batch.close();
    handle.close();
  }

  /** The directory of the database in use, for tests and tools. */
  public Path databaseDirectory() {
    return home.current();
  }
}

package io.keel.kv.rocks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * One open RocksDB database and its options. Reads may come from any thread while the apply
 * thread replaces the database after a restore, so every use holds a read lock and closing takes
 * the write lock: a closed database is never touched (RocksDB's native handles do not survive it),
 * and a read after close fails with an {@link IllegalStateException}.
 */
final class RocksDbHandle implements AutoCloseable {

  private final RocksDB db;
  private final Options options;
  private final WriteOptions writeOptions = RocksDbSettings.writeOptions();
  private final ReadOptions readOptions = new ReadOptions();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Path dir;
  private boolean closed;

  private RocksDbHandle(RocksDB db, Options options, Path dir) {
    this.db = db;
    this.options = options;
    this.dir = dir;
  }

  static RocksDbHandle open(Path dir, RocksDbSettings settings) throws IOException {
    Options options = settings.options();
    try {
      return new RocksDbHandle(RocksDB.open(options, dir.toString()), options, dir);
    } catch (RocksDBException e) {
      options.close();
      throw new IOException("RocksDB could not open " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The database, for the apply thread, which alone closes it. */
  RocksDB db() {
    return db;
  }

  /** The value stored under {@code key}, seen through {@code batch}'s writes if one is given; null if none. */
  byte[] get(WriteBatchWithIndex batch, byte[] key) {
    lock.readLock().lock();
    try {
      checkOpen();
      return batch == null ? db.get(readOptions, key) : batch.getFromBatchAndDB(db, readOptions, key);
    } catch (RocksDBException e) {
      throw new StoreFailure("reading " + dir + " failed", e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The 8-byte number stored under {@code key}, or 0 if none. */
  long readLong(byte[] key) {
    byte[] value = get(null, key);
    if (value == null) {
      return 0;
    }
    if (value.length != 8) {
      throw new StoreFailure("a damaged record in " + dir, new IOException(value.length + " bytes, not 8"));
    }
    return ByteBuffer.wrap(value).getLong();
  }

  /** Every value stored under a key that starts with {@code prefix} (one byte), in key order. */
  List<byte[]> values(byte[] prefix) {
    List<byte[]> values = new ArrayList<>();
    lock.readLock().lock();
    try {
      checkOpen();
      try (Slice upper = new Slice(Keys.end(prefix)); ReadOptions bounded = new ReadOptions().setIterateUpperBound(upper);
          RocksIterator it = db.newIterator(bounded)) {
        for (it.seek(prefix); it.isValid(); it.next()) {
          values.add(it.value());
        }
        it.status();
      }
    } catch (RocksDBException e) {
      throw new StoreFailure("reading " + dir + " failed", e);
    } finally {
      lock.readLock().unlock();
    }
    return values;
  }

  /** Writes {@code batch} atomically. */
  void write(WriteBatchWithIndex batch) {
    lock.readLock().lock();
    try {
      checkOpen();
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new StoreFailure("writing to " + dir + " failed", e);
    } finally {
      lock.readLock().unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the database in " + dir + " is closed");
    }
  }

  /** Closes the database once no read holds it; idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      db.close();
      readOptions.close();
      writeOptions.close();
      options.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}

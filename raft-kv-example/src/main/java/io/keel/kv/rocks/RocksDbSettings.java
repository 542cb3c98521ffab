package io.keel.kv.rocks;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB options every replica of a node shares, and the memory they share: one block cache
 * and one write-buffer budget for all the node's groups, both outside the Java heap, so a node's
 * memory is bounded by its settings and not by its state or its number of groups. Closed by the
 * node once every database is closed.
 *
 * <p>The choices, which docs/kv-example.md explains: LZ4 compression (ZSTD at the bottom level,
 * where most data rests); 16 KiB blocks with a bloom filter of 10 bits per key, index and filter
 * blocks held in the block cache so they count against it; RocksDB's write-ahead log kept but not
 * forced on each write, since the Raft log is forced and replays whatever a machine crash takes
 * from RocksDB's log (point-in-time recovery keeps a prefix).
 */
public final class RocksDbSettings implements AutoCloseable {

  static {
    RocksDB.loadLibrary();
  }

  private final Cache cache;
  private final WriteBufferManager writeBuffers;
  private final long writeBufferBytes;

  /**
   * @param cacheBytes the block cache's size, shared by the node's databases
   * @param writeBufferBytes the memory all the node's memtables may take together, charged to the cache
   */
  public RocksDbSettings(long cacheBytes, long writeBufferBytes) {
    if (cacheBytes < (8 << 20) || writeBufferBytes < (4 << 20) || writeBufferBytes > cacheBytes) {
      throw new IllegalArgumentException("the block cache needs at least 8 MiB and the write buffers 4 MiB, at most"
          + " the cache's size; got " + cacheBytes + " and " + writeBufferBytes);
    }
    this.cache = new LRUCache(cacheBytes);
    this.writeBuffers = new WriteBufferManager(writeBufferBytes, cache);
    this.writeBufferBytes = writeBufferBytes;
  }

  /** New options for one database; the caller closes them after the database. */
  Options options() {
    BlockBasedTableConfig table = new BlockBasedTableConfig()
        .setBlockCache(cache)
        .setBlockSize(16 * 1024)
        .setFilterPolicy(new BloomFilter(10))
        .setCacheIndexAndFilterBlocks(true)
        .setPinL0FilterAndIndexBlocksInCache(true);
    return new Options()
        .setCreateIfMissing(true)
        .setTableFormatConfig(table)
        .setWriteBufferManager(writeBuffers)
        .setWriteBufferSize(Math.min(64L << 20, Math.max(4L << 20, writeBufferBytes / 2)))
        .setMaxWriteBufferNumber(3)
        .setMaxBackgroundJobs(2)
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
        .setLevelCompactionDynamicLevelBytes(true)
        .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
        .setParanoidChecks(true);
  }

  /** Options for each write: logged, not forced (see the class comment). */
  static WriteOptions writeOptions() {
    return new WriteOptions().setSync(false).setDisableWAL(false);
  }

  @Override
  public void close() {
    writeBuffers.close();
    cache.close();
  }
}

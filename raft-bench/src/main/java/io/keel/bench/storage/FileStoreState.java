package io.keel.bench.storage;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.storage.file.FileLogStore;
import io.keel.raft.storage.file.FileLogStoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link FileLogStore} in a fresh temporary directory (under {@code keel.bench.dir}, default the
 * system temporary directory) with an fsync per batch, and a way to append a batch and wait until
 * the store reports its last entry durable.
 */
final class FileStoreState implements DurabilityListener {

  private final Path dir;
  private final FileLogStore store;
  private final byte[] command;
  private volatile long durableIndex;
  private volatile Thread waiter;
  private volatile Exception failure;

  FileStoreState(int entryBytes) throws IOException {
    dir = Files.createTempDirectory(Path.of(System.getProperty("keel.bench.dir", System.getProperty("java.io.tmpdir"))),
        "keel-bench-log");
    store = FileLogStore.open(dir, FileLogStoreOptions.defaults(), this);
    command = new byte[entryBytes];
    for (int i = 0; i < entryBytes; i++) {
      command[i] = (byte) i;
    }
  }

  /** Appends {@code batchSize} entries in one call and waits until the last is reported durable. */
  void appendDurably(int batchSize) {
    long first = store.lastIndex() + 1;
    List<LogEntry> batch = new ArrayList<>(batchSize);
    for (int i = 0; i < batchSize; i++) {
      batch.add(LogEntry.command(first + i, 1, command));
    }
    long last = first + batchSize - 1;
    waiter = Thread.currentThread();
    store.append(batch);
    while (durableIndex < last) {
      if (failure != null) {
        throw new IllegalStateException("the store failed", failure);
      }
      LockSupport.park(this);
    }
  }

  /** Drops the log written so far (between iterations, so the disk does not fill up). */
  void compact() {
    store.compactPrefix(store.lastIndex(), 1);
  }

  void close() throws IOException {
    store.close();
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  @Override
  public void logDurable(long sequence, long index, long term) {
    durableIndex = index;
    LockSupport.unpark(waiter);
  }

  @Override
  public void hardStateDurable(HardState state) {}

  @Override
  public void storageFailed(Exception cause) {
    failure = cause;
    LockSupport.unpark(waiter);
  }
}

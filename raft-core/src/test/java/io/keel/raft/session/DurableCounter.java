package io.keel.raft.session;

import io.keel.raft.StateMachine;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A {@link Counter} that persists as a real store would: applies and the session table's writes
 * are pending until {@link #flush}, which commits them with the applied index in one step into a
 * {@link Disk}. A crash is a new counter opened on the same disk: whatever was pending is gone.
 */
class DurableCounter implements StateMachine<Long>, SessionTableStorage {

  /** What survives a crash. */
  static final class Disk {
    long total;
    long appliedIndex;
    byte[] tableRecord;
    final Map<Long, byte[]> sessions = new TreeMap<>();
    long flushes;
  }

  private final Disk disk;
  private long total;
  private byte[] pendingTable;
  private final Map<Long, byte[]> pendingSessions = new HashMap<>();

  DurableCounter(Disk disk) {
    this.disk = disk;
    this.total = disk.total;
  }

  @Override
  public Long apply(long index, byte[] command) {
    long value = ByteBuffer.wrap(command).getLong();
    if (value < 0) {
      throw new IllegalArgumentException("negative: " + value);
    }
    total += value;
    return total;
  }

  @Override
  public void flush(long lastIndex) {
    disk.total = total;
    disk.appliedIndex = lastIndex;
    if (pendingTable != null) {
      disk.tableRecord = pendingTable;
    }
    pendingSessions.forEach((id, record) -> {
      if (record == null) {
        disk.sessions.remove(id);
      } else {
        disk.sessions.put(id, record);
      }
    });
    pendingTable = null;
    pendingSessions.clear();
    disk.flushes++;
  }

  @Override
  public long appliedIndex() {
    return disk.appliedIndex;
  }

  long total() {
    return total;
  }

  @Override
  public byte[] sessionTableRecord() {
    return disk.tableRecord;
  }

  @Override
  public void forEachSessionRecord(Consumer<byte[]> each) {
    disk.sessions.values().forEach(each);
  }

  @Override
  public void putSessionTableRecord(byte[] record) {
    pendingTable = record;
  }

  @Override
  public void putSessionRecord(long clientId, byte[] record) {
    pendingSessions.put(clientId, record);
  }

  @Override
  public void deleteSessionRecord(long clientId) {
    pendingSessions.put(clientId, null);
  }
}

package io.keel.raft.storage.file;

import io.keel.raft.LogEntry;

/**
 * The newest entries of a {@link FileLogStore}, in memory, on the node's thread: every entry not
 * yet written to a file, plus recently written ones up to a byte budget. Each entry remembers the
 * number of the write that appended it, so it is evicted only once the writer has put it in a
 * file; older entries are read back from the segments.
 */
final class EntryCache {

  private LogEntry[] entries = new LogEntry[256];
  private long[] sequences = new long[256];
  private int head;
  private int size;
  /** The index of the entry at {@code head}; the next index to append when empty. */
  private long firstIndex;
  private long bytes;

  EntryCache(long nextIndex) {
    this.firstIndex = nextIndex;
  }

  boolean holds(long index) {
    return index >= firstIndex && index < firstIndex + size;
  }

  LogEntry get(long index) {
    if (!holds(index)) {
      throw new IndexOutOfBoundsException("index " + index + " is not cached: [" + firstIndex + ", "
          + (firstIndex + size) + ")");
    }
    return entries[slot((int) (index - firstIndex))];
  }

  void add(LogEntry entry, long sequence) {
    if (entry.index() != firstIndex + size) {
      throw new IllegalStateException("cached entries end before " + (firstIndex + size) + ", got " + entry);
    }
    if (size == entries.length) {
      grow();
    }
    int slot = slot(size);
    entries[slot] = entry;
    sequences[slot] = sequence;
    size++;
    bytes += entry.sizeBytes();
  }

  /** Forgets the entries from {@code index} on; the next entry added has {@code index}. */
  void truncateFrom(long index) {
    if (index <= firstIndex) {
      clear(index);
      return;
    }
    while (firstIndex + size > index) {
      int slot = slot(size - 1);
      bytes -= entries[slot].sizeBytes();
      entries[slot] = null;
      size--;
    }
  }

  /** Forgets the entries up to and including {@code index}. */
  void dropThrough(long index) {
    while (size > 0 && firstIndex <= index) {
      dropHead();
    }
    if (size == 0 && firstIndex <= index) {
      firstIndex = index + 1;
    }
  }

  /** Empties the cache; the next entry added has {@code nextIndex}. */
  void clear(long nextIndex) {
    while (size > 0) {
      dropHead();
    }
    firstIndex = nextIndex;
  }

  /** Drops the oldest entries already written (up to {@code writtenSequence}) while over budget. */
  void evict(long budgetBytes, long writtenSequence) {
    while (size > 0 && bytes > budgetBytes && sequences[head] <= writtenSequence) {
      dropHead();
    }
  }

  private void dropHead() {
    bytes -= entries[head].sizeBytes();
    entries[head] = null;
    head = (head + 1) % entries.length;
    size--;
    firstIndex++;
  }

  private int slot(int position) {
    return (head + position) % entries.length;
  }

  private void grow() {
    LogEntry[] largerEntries = new LogEntry[entries.length * 2];
    long[] largerSequences = new long[entries.length * 2];
    for (int i = 0; i < size; i++) {
      largerEntries[i] = entries[slot(i)];
      largerSequences[i] = sequences[slot(i)];
    }
    entries = largerEntries;
    sequences = largerSequences;
    head = 0;
  }
}

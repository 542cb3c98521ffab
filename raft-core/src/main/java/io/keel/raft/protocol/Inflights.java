package io.keel.raft.protocol;

/**
 * The AppendEntries sent to one follower and not yet acknowledged, as a bounded ring of their last
 * indexes (in increasing order) and send times. Its capacity is the pipelining window.
 */
final class Inflights {

  private final long[] lastIndexes;
  private final long[] sentNanos;
  private int start;
  private int count;

  Inflights(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.lastIndexes = new long[capacity];
    this.sentNanos = new long[capacity];
  }

  boolean isFull() {
    return count == lastIndexes.length;
  }

  boolean isEmpty() {
    return count == 0;
  }

  int size() {
    return count;
  }

  /** Records an append whose last entry is {@code lastIndex}; indexes must increase. */
  void add(long lastIndex, long nowNanos) {
    if (isFull()) {
      throw new IllegalStateException("in-flight window is full (" + count + ")");
    }
    if (count > 0 && lastIndex <= lastIndexes[slot(count - 1)]) {
      throw new IllegalStateException("in-flight indexes must increase: " + lastIndex
          + " after " + lastIndexes[slot(count - 1)]);
    }
    int slot = slot(count);
    lastIndexes[slot] = lastIndex;
    sentNanos[slot] = nowNanos;
    count++;
  }

  /** Forgets every append whose last index is at most {@code index}: the follower has it. */
  void freeUpTo(long index) {
    while (count > 0 && lastIndexes[start] <= index) {
      start = (start + 1) % lastIndexes.length;
      count--;
    }
  }

  void clear() {
    start = 0;
    count = 0;
  }

  /** When the oldest unacknowledged append was sent; only when not empty. */
  long oldestSentNanos() {
    if (count == 0) {
      throw new IllegalStateException("no append in flight");
    }
    return sentNanos[start];
  }

  private int slot(int offset) {
    return (start + offset) % lastIndexes.length;
  }
}

package io.keel.raft.storage.file;

import java.util.Arrays;

/** A growable list of primitive longs (file offsets, terms), without boxing. */
final class LongList {

  private long[] values;
  private int size;

  LongList(int initialCapacity) {
    values = new long[Math.max(4, initialCapacity)];
  }

  int size() {
    return size;
  }

  long get(int position) {
    if (position < 0 || position >= size) {
      throw new IndexOutOfBoundsException("position " + position + " outside [0, " + size + ")");
    }
    return values[position];
  }

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[size++] = value;
  }

  /** Keeps the first {@code newSize} values. */
  void truncate(int newSize) {
    if (newSize < 0 || newSize > size) {
      throw new IndexOutOfBoundsException("cannot truncate a list of " + size + " to " + newSize);
    }
    size = newSize;
  }

  /** Removes the first {@code count} values. */
  void removeFirst(int count) {
    if (count < 0 || count > size) {
      throw new IndexOutOfBoundsException("cannot remove " + count + " of " + size + " values");
    }
    System.arraycopy(values, count, values, 0, size - count);
    size -= count;
  }

  void clear() {
    size = 0;
  }
}

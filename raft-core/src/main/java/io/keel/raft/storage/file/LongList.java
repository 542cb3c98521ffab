package io.keel.raft.storage.file;

import java.util.Arrays;

/**
 * A growable list of primitive longs (file offsets, terms), without boxing, kept in pages of 4,096
 * values: growing never copies the values, and no single array is large enough for the collector to
 * treat it as a humongous object, however long a segment grows.
 */
final class LongList {

  private static final int PAGE_SHIFT = 12;
  private static final int PAGE_VALUES = 1 << PAGE_SHIFT;
  private static final int PAGE_MASK = PAGE_VALUES - 1;

  private long[][] pages = new long[4][];
  private int size;

  int size() {
    return size;
  }

  long get(int position) {
    if (position < 0 || position >= size) {
      throw new IndexOutOfBoundsException("position " + position + " outside [0, " + size + ")");
    }
    return pages[position >>> PAGE_SHIFT][position & PAGE_MASK];
  }

  void add(long value) {
    int page = size >>> PAGE_SHIFT;
    if (page == pages.length) {
      pages = Arrays.copyOf(pages, pages.length * 2);
    }
    if (pages[page] == null) {
      pages[page] = new long[PAGE_VALUES];
    }
    pages[page][size & PAGE_MASK] = value;
    size++;
  }

  /** Keeps the first {@code newSize} values. */
  void truncate(int newSize) {
    if (newSize < 0 || newSize > size) {
      throw new IndexOutOfBoundsException("cannot truncate a list of " + size + " to " + newSize);
    }
    size = newSize;
  }
}

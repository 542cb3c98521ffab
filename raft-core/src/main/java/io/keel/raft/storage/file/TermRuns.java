package io.keel.raft.storage.file;

import java.util.Arrays;

/**
 * The terms of the entries a log holds after its start, kept as runs of consecutive indexes that
 * share a term. A Raft log changes term only at elections, so its terms take a few runs however
 * many entries it holds: appending allocates nothing, and a log of millions of entries between
 * compactions does not keep a long per entry in memory.
 *
 * <p>It holds the indexes {@code (start, lastIndex]}; {@link #term} answers for them in O(1) for
 * the newest run and O(log runs) otherwise.
 */
final class TermRuns {

  /** {@code firsts[r]} is the first index of run {@code r}, whose entries have term {@code terms[r]}. */
  private long[] firsts = new long[8];
  private long[] terms = new long[8];
  private int runs;
  private long start;
  private long lastIndex;

  /** Empty, after index {@code start}. */
  TermRuns(long start) {
    this.start = start;
    this.lastIndex = start;
  }

  /** The last index held, or the start if none is. */
  long lastIndex() {
    return lastIndex;
  }

  /** The term of {@code index}, which must be held. */
  long term(long index) {
    if (index <= start || index > lastIndex) {
      throw new IndexOutOfBoundsException("index " + index + " outside (" + start + ", " + lastIndex + "]");
    }
    int last = runs - 1;
    if (index >= firsts[last]) {
      return terms[last];
    }
    int found = Arrays.binarySearch(firsts, 0, runs, index);
    return terms[found >= 0 ? found : -found - 2];
  }

  /** Appends the entry after the last one held, of {@code term}. */
  void append(long term) {
    if (runs == 0 || terms[runs - 1] != term) {
      if (runs == firsts.length) {
        firsts = Arrays.copyOf(firsts, runs * 2);
        terms = Arrays.copyOf(terms, runs * 2);
      }
      firsts[runs] = lastIndex + 1;
      terms[runs] = term;
      runs++;
    }
    lastIndex++;
  }

  /** Keeps the indexes up to {@code index}, which must be at least the start and at most the last index. */
  void truncateAfter(long index) {
    if (index < start || index > lastIndex) {
      throw new IndexOutOfBoundsException("cannot keep up to " + index + " of (" + start + ", " + lastIndex + "]");
    }
    while (runs > 0 && firsts[runs - 1] > index) {
      runs--;
    }
    lastIndex = index;
  }

  /**
   * Forgets the indexes up to {@code index}, which becomes the start; past the last index, it
   * forgets them all.
   */
  void compactThrough(long index) {
    if (index <= start) {
      return;
    }
    if (index >= lastIndex) {
      restartAfter(index);
      return;
    }
    int keepFrom = 0;
    while (keepFrom + 1 < runs && firsts[keepFrom + 1] <= index + 1) {
      keepFrom++;
    }
    System.arraycopy(firsts, keepFrom, firsts, 0, runs - keepFrom);
    System.arraycopy(terms, keepFrom, terms, 0, runs - keepFrom);
    runs -= keepFrom;
    firsts[0] = index + 1;
    start = index;
  }

  /** Forgets every index held: it holds none, after {@code index}. */
  void restartAfter(long index) {
    runs = 0;
    start = index;
    lastIndex = index;
  }

  /** How many runs it keeps, for tests. */
  int runs() {
    return runs;
  }
}

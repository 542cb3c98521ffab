package io.keel.sim;

import io.keel.raft.LogEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One image of a simulated disk's log (what reads see, or what would survive a crash): the entries
 * after its start point (index 0, or where a compaction left it), and the hash of each prefix, which
 * the checkers compare across nodes in O(1). Below the start point, prefix hashes are not known.
 */
final class LogImage {

  private final ArrayList<LogEntry> entries = new ArrayList<>();
  private long startIndex;
  private long startTerm;
  /** {@code hashes[k]} is the hash of the log up to index {@code startIndex + k}. */
  private long[] hashes = new long[64];

  /** The index of the last entry, or the start point if there is none. */
  long lastIndex() {
    return startIndex + entries.size();
  }

  /** The index before the first entry held. */
  long startIndex() {
    return startIndex;
  }

  /** The term at {@code index}, from the start point to the last index. */
  long termAt(long index) {
    return index == startIndex ? startTerm : get(index).term();
  }

  LogEntry get(long index) {
    return entries.get((int) (index - startIndex - 1));
  }

  /** A read-only view of the entries from {@code fromIndex} up to but excluding {@code toIndex}. */
  List<LogEntry> view(long fromIndex, long toIndex) {
    return Collections.unmodifiableList(
        entries.subList((int) (fromIndex - startIndex - 1), (int) (toIndex - startIndex - 1)));
  }

  long prefixHash(long index) {
    if (index < startIndex || index > lastIndex()) {
      throw new IndexOutOfBoundsException("no prefix hash for index " + index + ": the image holds ("
          + startIndex + ", " + lastIndex() + "]");
    }
    return hashes[(int) (index - startIndex)];
  }

  void addAll(List<LogEntry> more) {
    int needed = entries.size() + more.size() + 1;
    if (needed > hashes.length) {
      hashes = Arrays.copyOf(hashes, Math.max(hashes.length * 2, needed));
    }
    for (LogEntry entry : more) {
      int k = entries.size() + 1;
      hashes[k] = chain(hashes[k - 1], entry);
      entries.add(entry);
    }
  }

  void truncate(long fromIndex) {
    if (fromIndex <= lastIndex()) {
      entries.subList((int) (fromIndex - startIndex - 1), entries.size()).clear();
    }
  }

  /**
   * Discards the entries up to {@code index}; if the image does not hold {@code index} with
   * {@code term}, discards them all and starts again after ({@code index}, {@code term}), with
   * {@code startHash} as the hash of the log up to there (the committed log's, which the snapshot
   * stands for).
   */
  void compact(long index, long term, long startHash) {
    if (index <= startIndex) {
      return;
    }
    if (index <= lastIndex() && get(index).term() == term) {
      int drop = (int) (index - startIndex);
      long[] kept = Arrays.copyOfRange(hashes, drop, Math.max(drop + 1, hashes.length));
      entries.subList(0, drop).clear();
      hashes = kept.length >= 64 ? kept : Arrays.copyOf(kept, 64);
    } else {
      entries.clear();
      hashes = new long[64];
      hashes[0] = startHash;
    }
    startIndex = index;
    startTerm = term;
  }

  void copyFrom(LogImage other) {
    entries.clear();
    entries.addAll(other.entries);
    startIndex = other.startIndex;
    startTerm = other.startTerm;
    hashes = Arrays.copyOf(other.hashes, other.hashes.length);
  }

  /** A hash for the log up to {@code index}@{@code term} when nothing else is known of it. */
  static long startHash(long index, long term) {
    return mix(index * 0x9E3779B97F4A7C15L ^ term);
  }

  /** The hash the checkers compare, of the log up to {@code previous} followed by {@code entry}. */
  static long chain(long previous, LogEntry entry) {
    long h = previous * 0x9E3779B97F4A7C15L + entry.index();
    h = mix(h ^ entry.term() * 0xC2B2AE3D27D4EB4FL);
    h = mix(h ^ entry.type().ordinal());
    byte[] command = entry.command();
    for (byte b : command) {
      h = h * 0x100000001B3L ^ b;
    }
    return mix(h ^ command.length);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

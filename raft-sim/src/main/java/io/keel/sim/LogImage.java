package io.keel.sim;

import io.keel.raft.LogEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One image of a simulated disk's log (what reads see, or what would survive a crash): its entries
 * and the hash of each prefix, which the checkers compare across nodes in O(1).
 */
final class LogImage {

  private final ArrayList<LogEntry> entries = new ArrayList<>();
  private long[] hashes = new long[64];

  long size() {
    return entries.size();
  }

  LogEntry get(long index) {
    return entries.get((int) (index - 1));
  }

  List<LogEntry> range(long fromIndex, long toIndex) {
    return List.copyOf(entries.subList((int) (fromIndex - 1), (int) (toIndex - 1)));
  }

  long prefixHash(long index) {
    return hashes[(int) index];
  }

  void addAll(List<LogEntry> more) {
    if (entries.size() + more.size() + 1 > hashes.length) {
      hashes = Arrays.copyOf(hashes, Math.max(hashes.length * 2, entries.size() + more.size() + 1));
    }
    for (LogEntry entry : more) {
      int index = entries.size() + 1;
      hashes[index] = chain(hashes[index - 1], entry);
      entries.add(entry);
    }
  }

  void truncate(long fromIndex) {
    if (fromIndex <= entries.size()) {
      entries.subList((int) (fromIndex - 1), entries.size()).clear();
    }
  }

  void copyFrom(LogImage other) {
    entries.clear();
    entries.addAll(other.entries);
    hashes = Arrays.copyOf(other.hashes, other.hashes.length);
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

package io.keel.raft.storage;

import io.keel.raft.LogEntry;
import java.util.List;

/**
 * The argument checks every {@link io.keel.raft.LogStore} implementation shares, so that the
 * in-memory and the file store accept and refuse exactly the same calls.
 */
public final class LogStoreChecks {

  private LogStoreChecks() {}

  /**
   * Checks that {@code entries} continue a log whose last entry is {@code lastIndex}@{@code lastTerm}:
   * consecutive indexes from {@code lastIndex + 1} and non-decreasing terms.
   *
   * @throws IllegalArgumentException if they do not
   */
  public static void checkContinues(long lastIndex, long lastTerm, List<LogEntry> entries) {
    long expected = lastIndex + 1;
    long previousTerm = lastTerm;
    for (LogEntry entry : entries) {
      if (entry.index() != expected || entry.term() < previousTerm) {
        throw new IllegalArgumentException("entry " + entry + " does not continue the log at index "
            + expected + " (last term " + previousTerm + ")");
      }
      previousTerm = entry.term();
      expected++;
    }
  }

  /**
   * Checks that the range [{@code fromIndex}, {@code toIndex}) lies within a log holding
   * [{@code firstIndex}, {@code lastIndex}].
   *
   * @throws IndexOutOfBoundsException if it does not
   */
  public static void checkRange(long firstIndex, long lastIndex, long fromIndex, long toIndex) {
    if (fromIndex < firstIndex || toIndex < fromIndex || toIndex > lastIndex + 1) {
      throw new IndexOutOfBoundsException(
          "range [" + fromIndex + ", " + toIndex + ") outside the log [" + firstIndex + ", " + lastIndex + "]");
    }
  }

  /**
   * A copy of the longest prefix of {@code entries} whose total {@link LogEntry#sizeBytes()} stays
   * within {@code maxBytes}, but at least one entry if there is one: the contract of
   * {@link io.keel.raft.LogStore#entries}.
   */
  public static List<LogEntry> prefixWithin(List<LogEntry> entries, long maxBytes) {
    long bytes = 0;
    int end = 0;
    while (end < entries.size()) {
      bytes += entries.get(end).sizeBytes();
      if (bytes > maxBytes && end > 0) {
        break;
      }
      end++;
    }
    return List.copyOf(entries.subList(0, end));
  }

  /**
   * Checks a suffix truncation from {@code fromIndex} of a log holding [{@code firstIndex},
   * {@code lastIndex}].
   *
   * @throws IllegalArgumentException unless {@code firstIndex <= fromIndex <= lastIndex + 1}
   */
  public static void checkTruncation(long firstIndex, long lastIndex, long fromIndex) {
    if (fromIndex < firstIndex || fromIndex > lastIndex + 1) {
      throw new IllegalArgumentException("cannot truncate from " + fromIndex + ": the log holds ["
          + firstIndex + ", " + lastIndex + "]");
    }
  }

  /**
   * Checks a prefix compaction to {@code index}@{@code term} of a log whose first entry is
   * {@code firstIndex} and whose entry before that has {@code previousTerm}.
   *
   * @return false if the compaction is a no-op (at or below {@code firstIndex - 1})
   * @throws IllegalArgumentException on the cases {@link io.keel.raft.LogStore#compactPrefix}
   *     refuses
   */
  public static boolean checkCompaction(long firstIndex, long previousTerm, long index, long term) {
    if (index < 0 || term < 0) {
      throw new IllegalArgumentException("cannot compact to " + index + "@" + term + ": negative");
    }
    if ((index == 0) != (term == 0)) {
      throw new IllegalArgumentException("cannot compact to " + index + "@" + term
          + ": index 0 has term 0 and every later index a term >= 1");
    }
    if (index == firstIndex - 1 && term != previousTerm) {
      throw new IllegalArgumentException("cannot compact to " + index + "@" + term + ": the log already starts after "
          + index + "@" + previousTerm);
    }
    return index >= firstIndex;
  }
}

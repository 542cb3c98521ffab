package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.EntryType;
import io.keel.raft.LogEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The configurations a node's log holds, newest last, so that the one in force is always the
 * newest in the log, committed or not (Raft thesis §4.1): an appended configuration entry takes
 * effect at once, and a truncation that removes it brings back the one before.
 *
 * <p>The first configuration is the base: the one at the log's start, from the snapshot the log
 * was compacted behind, or, for a log that holds no configuration entry before, the configuration
 * the group started with (at index 0). Compaction keeps the newest configuration at or before the
 * compaction point as the new base. Only configurations from the base on are known.
 *
 * <p>Invariant: indexes strictly increase, and only the base may be at or before the log's start.
 */
final class ConfigurationLog {

  /** A configuration and the index of the entry that carries it (0 for the one the group started with). */
  record Indexed(long index, Configuration configuration) {}

  private final List<Indexed> configurations = new ArrayList<>();

  ConfigurationLog(long baseIndex, Configuration base) {
    configurations.add(new Indexed(baseIndex, base));
  }

  /** The configuration in force: the newest in the log. */
  Configuration latest() {
    return configurations.get(configurations.size() - 1).configuration();
  }

  /** The index of the entry carrying {@link #latest()}. */
  long latestIndex() {
    return configurations.get(configurations.size() - 1).index();
  }

  /** The base: the oldest configuration known. */
  Indexed base() {
    return configurations.get(0);
  }

  /**
   * The configuration in force at {@code index}: the newest one at or before it.
   *
   * @throws IllegalArgumentException if {@code index} comes before the base, where it is unknown
   */
  Configuration at(long index) {
    for (int i = configurations.size() - 1; i >= 0; i--) {
      if (configurations.get(i).index() <= index) {
        return configurations.get(i).configuration();
      }
    }
    throw new IllegalArgumentException("the configuration at " + index + " is no longer known; the oldest known is at "
        + base().index());
  }

  /** Entries were appended to the log: their configurations take effect. */
  void onAppend(List<LogEntry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      LogEntry entry = entries.get(i);
      if (entry.type() == EntryType.CONFIGURATION) {
        add(entry.index(), entry.configuration());
      }
    }
  }

  /** The log lost its entries from {@code fromIndex}: their configurations no longer hold. */
  void onTruncate(long fromIndex) {
    while (configurations.size() > 1 && latestIndex() >= fromIndex) {
      configurations.remove(configurations.size() - 1);
    }
    if (latestIndex() >= fromIndex) {
      throw new IllegalStateException("truncated from " + fromIndex + ", at or before the base configuration at "
          + latestIndex() + ", which a snapshot holds");
    }
  }

  /**
   * The log was compacted through {@code index} and keeps the entries after it: the newest
   * configuration at or before {@code index} becomes the base.
   */
  void onCompact(long index) {
    while (configurations.size() > 1 && configurations.get(1).index() <= index) {
      configurations.remove(0);
    }
  }

  /**
   * The log was compacted behind a snapshot through {@code index} whose configuration is
   * {@code configuration}; if {@code keptSuffix}, the log kept its entries after {@code index},
   * else it discarded them all.
   */
  void onSnapshot(long index, Configuration configuration, boolean keptSuffix) {
    if (!keptSuffix) {
      configurations.clear();
      configurations.add(new Indexed(index, configuration));
      return;
    }
    onCompact(index);
    if (base().index() < index) {
      configurations.set(0, new Indexed(index, configuration));
    }
  }

  private void add(long index, Configuration configuration) {
    if (index <= latestIndex()) {
      throw new IllegalStateException("a configuration appended at " + index + ", not after the one at "
          + latestIndex());
    }
    configurations.add(new Indexed(index, configuration));
  }
}

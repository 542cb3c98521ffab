package io.keel.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated log: its position, the term of the leader that created it, and its
 * payload.
 *
 * <p>The command array is shared, not copied, for speed: neither Keel nor its users may modify it
 * after the entry is created.
 *
 * @param index position in the log, from 1
 * @param term term of the leader that created the entry, from 1
 * @param type what the entry carries
 * @param command the command bytes; empty for a {@link EntryType#NO_OP}; for a
 *     {@link EntryType#CONFIGURATION}, the configuration in {@link ConfigurationCodec}'s form
 */
public record LogEntry(long index, long term, EntryType type, byte[] command) {

  /** Fixed bookkeeping counted per entry, on top of the command, against byte limits. */
  public static final int OVERHEAD_BYTES = 24;

  private static final byte[] EMPTY = new byte[0];

  /** Validates the entry. */
  public LogEntry {
    if (index < 1) {
      throw new IllegalArgumentException("log entry index must be >= 1, got " + index);
    }
    if (term < 1) {
      throw new IllegalArgumentException("log entry term must be >= 1, got " + term);
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(command, "command");
    if (type == EntryType.NO_OP && command.length != 0) {
      throw new IllegalArgumentException("a no-op entry carries no command");
    }
    if (type == EntryType.CONFIGURATION && ConfigurationCodec.decode(command).voters().isEmpty()) {
      throw new IllegalArgumentException("a configuration entry names no voter");
    }
  }

  /** A command entry. */
  public static LogEntry command(long index, long term, byte[] command) {
    return new LogEntry(index, term, EntryType.COMMAND, command);
  }

  /** A leader's no-op entry. */
  public static LogEntry noOp(long index, long term) {
    return new LogEntry(index, term, EntryType.NO_OP, EMPTY);
  }

  /** An entry that changes the group's configuration to {@code configuration}. */
  public static LogEntry configuration(long index, long term, Configuration configuration) {
    return new LogEntry(index, term, EntryType.CONFIGURATION, ConfigurationCodec.encode(configuration));
  }

  /**
   * The configuration a {@link EntryType#CONFIGURATION} entry carries (decoded anew on each call).
   *
   * @throws IllegalStateException if this is another type of entry
   */
  public Configuration configuration() {
    if (type != EntryType.CONFIGURATION) {
      throw new IllegalStateException(this + " carries no configuration");
    }
    return ConfigurationCodec.decode(command);
  }

  /** The size this entry counts for against {@link RaftConfig#maxBytesPerAppend()}. */
  public long sizeBytes() {
    return command.length + OVERHEAD_BYTES;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LogEntry that
        && index == that.index
        && term == that.term
        && type == that.type
        && Arrays.equals(command, that.command);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, term, type) * 31 + Arrays.hashCode(command);
  }

  @Override
  public String toString() {
    return "LogEntry[" + index + "@" + term + switch (type) {
      case NO_OP -> " no-op";
      case CONFIGURATION -> " " + configuration();
      case COMMAND -> " " + command.length + "B";
    } + "]";
  }
}

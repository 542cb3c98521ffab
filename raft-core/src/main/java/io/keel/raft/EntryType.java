package io.keel.raft;

/**
 * What a log entry carries. Each type has one number, {@link #code()}, written as a byte both in
 * the file log's records and in AppendEntries on the wire, so the two formats never disagree.
 */
public enum EntryType {
  /** A client command, applied to the {@link StateMachine}. Code 0. */
  COMMAND(0),
  /**
   * The empty entry a new leader appends at the start of its term (Raft thesis §6.4): committing it
   * commits every earlier entry. It is never passed to the state machine. Code 1.
   */
  NO_OP(1),
  /**
   * A change of the group's members: the payload is a {@link Configuration} in
   * {@link ConfigurationCodec}'s form, which takes effect on a node as soon as the entry is in its
   * log (Raft thesis §4.1). It is never passed to the state machine. Code 2.
   */
  CONFIGURATION(2);

  private final int code;

  EntryType(int code) {
    this.code = code;
  }

  /** The number that stands for this type on disk and on the wire. */
  public int code() {
    return code;
  }

  /** The type numbered {@code code}, or null if no type has that number (a damaged or foreign byte). */
  public static EntryType ofCode(int code) {
    return switch (code) {
      case 0 -> COMMAND;
      case 1 -> NO_OP;
      case 2 -> CONFIGURATION;
      default -> null;
    };
  }
}

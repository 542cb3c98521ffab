package io.keel.sim;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The kinds of fault the nemesis can inject; {@code --faults} names a set of them. */
public enum FaultKind {
  /** Messages are lost. */
  DROP,
  /** Messages arrive twice. */
  DUPLICATE,
  /** Message delays vary widely and have a long tail, which reorders messages. */
  DELAY,
  /** Partitions: an isolated node, a clean split, an asymmetric cut, a bridge. */
  PARTITION,
  /** Nodes crash, losing volatile state, and restart later from their disks. */
  CRASH,
  /** Nodes stop for up to seconds (a stop-the-world pause). */
  PAUSE,
  /** Slow fsyncs, crashes that tear unsynced writes, fsync errors. */
  DISK,
  /** Clocks drift apart and jump forward. */
  CLOCK;

  /**
   * Reads {@code all}, {@code none} or a comma-separated list such as {@code crash,partition}.
   *
   * @throws IllegalArgumentException naming the unknown kind and listing the known ones
   */
  public static Set<FaultKind> parse(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals("all")) {
      return EnumSet.allOf(FaultKind.class);
    }
    EnumSet<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
    if (trimmed.equals("none")) {
      return kinds;
    }
    for (String name : trimmed.split(",")) {
      try {
        kinds.add(valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown fault '" + name.trim() + "': expected all, none or a list of "
            + EnumSet.allOf(FaultKind.class).toString().toLowerCase(Locale.ROOT), e);
      }
    }
    return kinds;
  }
}

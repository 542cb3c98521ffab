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
  CLOCK,
  /**
   * Membership changes and leadership transfers: the cluster grows onto spare nodes and shrinks,
   * replaces a voter with a new empty node, adds learners and promotes them, and hands leadership
   * to a random or a lagging voter.
   */
  MEMBERSHIP,
  /**
   * A member lies: well-formed messages forged in its name, with values no correct node would send.
   * Not part of {@code all}: a lying member may break Raft's guarantees by design, so a run with it
   * checks only what a node must keep whatever it is told — its own invariants, and that it never
   * stops — and judges no liveness.
   */
  ROGUE;

  /** The kinds {@code all} names: every kind but {@link #ROGUE}. */
  public static Set<FaultKind> all() {
    return EnumSet.complementOf(EnumSet.of(ROGUE));
  }

  /**
   * Reads {@code all}, {@code none} or a comma-separated list such as {@code crash,partition}, in
   * which {@code all} may appear ({@code all,rogue}).
   *
   * @throws IllegalArgumentException naming the unknown kind and listing the known ones
   */
  public static Set<FaultKind> parse(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    EnumSet<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
    if (trimmed.equals("none")) {
      return kinds;
    }
    for (String name : trimmed.split(",")) {
      if (name.trim().equals("all")) {
        kinds.addAll(all());
        continue;
      }
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

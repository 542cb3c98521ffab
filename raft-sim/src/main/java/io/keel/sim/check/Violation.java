package io.keel.sim.check;

/** A property the simulation checks was broken: which one, and how. */
public final class Violation extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final boolean livelock;

  /** A broken safety property. */
  public static Violation safety(String property, String message) {
    return new Violation(property, message, false);
  }

  /** A liveness failure: no progress, or an election storm. */
  public static Violation livelock(String property, String message) {
    return new Violation(property, message, true);
  }

  private Violation(String property, String message, boolean livelock) {
    super(property + ": " + message);
    this.property = property;
    this.livelock = livelock;
  }

  /** The property's name, as the Raft paper gives it where it has one. */
  public String property() {
    return property;
  }

  /** Whether this is a liveness failure rather than a safety one. */
  public boolean isLivelock() {
    return livelock;
  }
}

package io.keel.sim;

/**
 * A node's monotonic clock, which drifts from simulated (true) time by a fixed rate and can jump
 * forward: local = offset + global × (1 + drift). The node's timers are set on its local clock; the
 * simulation converts their deadlines back to true time to schedule them.
 */
final class NodeClock {

  private static final long PPM = 1_000_000L;

  private final long driftPpm;
  private long offsetNanos;

  /** A clock running {@code driftPpm} parts per million fast (positive) or slow (negative). */
  NodeClock(long driftPpm) {
    if (driftPpm <= -PPM / 2 || driftPpm >= PPM / 2) {
      throw new IllegalArgumentException("driftPpm must be between -499999 and 499999, got " + driftPpm);
    }
    this.driftPpm = driftPpm;
  }

  /** The local time at true time {@code globalNanos}. */
  long localNanos(long globalNanos) {
    return offsetNanos + globalNanos + Math.floorDiv(globalNanos * driftPpm, PPM);
  }

  /** The earliest true time at which the local clock reads at least {@code localNanos}. */
  long globalNanosAt(long localNanos, long notBeforeGlobalNanos) {
    if (localNanos == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    long estimate = (long) ((localNanos - offsetNanos) / (1.0 + driftPpm / (double) PPM));
    long global = Math.max(notBeforeGlobalNanos, estimate - 2);
    while (localNanos(global) < localNanos) {
      global++;
    }
    return global;
  }

  /** The local clock jumps forward by {@code nanos} (a suspended VM, say). */
  void jump(long nanos) {
    offsetNanos += nanos;
  }

  long driftPpm() {
    return driftPpm;
  }
}

package io.keel.sim.check;

import io.keel.sim.Durations;
import java.util.Locale;

/**
 * Once leadership has settled after the heal, the cluster commits client commands at no less than
 * a set fraction of the rate the same cluster, clients and protocol settings reach with no fault
 * at all (measured by a short fault-free run of the same seed's settings). A pipeline that stalls
 * (an in-flight window never freed, a lost append never resent, a leader probing forever) passes
 * every safety check and still commits a trickle; this is what catches it.
 */
public final class Throughput {

  /** How long after leadership settles the measuring starts: catch-up and the first batches. */
  static final long WARM_UP_NANOS = 1_000_000_000L;
  /** The shortest window worth judging. */
  static final long MIN_WINDOW_NANOS = 2_000_000_000L;

  private final double referencePerSecond;
  private final double fraction;
  private long windowStartNanos = -1;
  private long acknowledged;

  /** Requires {@code fraction} of {@code referencePerSecond} acknowledgements per second. */
  public Throughput(double referencePerSecond, double fraction) {
    this.referencePerSecond = referencePerSecond;
    this.fraction = fraction;
  }

  /** Leadership settled at {@code settledNanos}: the window opens after the warm-up. */
  void onSettled(long settledNanos) {
    if (windowStartNanos < 0) {
      windowStartNanos = settledNanos + WARM_UP_NANOS;
    }
  }

  /** A client's command was acknowledged at {@code nowNanos}. */
  void onAcknowledged(long nowNanos) {
    if (windowStartNanos >= 0 && nowNanos >= windowStartNanos) {
      acknowledged++;
    }
  }

  /** The run ended at {@code endNanos}: judges the window, if it is long enough. */
  void atEnd(long endNanos) {
    long window = endNanos - windowStartNanos;
    if (windowStartNanos < 0 || window < MIN_WINDOW_NANOS || referencePerSecond <= 0) {
      return;
    }
    double perSecond = acknowledged / (window / 1e9);
    if (perSecond < fraction * referencePerSecond) {
      throw Violation.livelock("Throughput", String.format(Locale.ROOT,
          "%.0f commands/s acknowledged in the healed, settled cluster from %s to %s, below %.0f%% of the %.0f/s "
              + "the same settings reach with no fault", perSecond, Durations.formatNanos(windowStartNanos),
          Durations.formatNanos(endNanos), fraction * 100, referencePerSecond));
    }
  }
}

package io.keel.transport.netty;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Writes at most one line per kind of event per interval, and says how many it held back: a burst
 * of 550 bad connections becomes one line, then, at the first one after the interval, one more
 * line ending in "(549 more like this in the last 10.0 s were not logged)". Kinds are independent,
 * so a flood of one kind never hides the first line of another.
 *
 * <p>Meant for events a stranger can cause at will (refused connections, malformed frames), never
 * for a per-message path. Thread-safe: each kind holds a lock only while it decides.
 *
 * @param <K> the kinds of events, an enum
 */
final class RateLimitedLog<K extends Enum<K>> {

  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Consumer<String> sink;
  private final Map<K, KindState> kinds;

  /**
   * A log writing to {@code sink} (such as {@code logger::warn}) at most one line per kind per
   * {@code intervalNanos} of {@code nanoClock}, a monotonic clock in nanoseconds.
   */
  RateLimitedLog(Class<K> kindType, long intervalNanos, LongSupplier nanoClock, Consumer<String> sink) {
    if (intervalNanos <= 0) {
      throw new IllegalArgumentException("the interval must be positive, got " + intervalNanos + " ns");
    }
    this.intervalNanos = intervalNanos;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.kinds = new EnumMap<>(kindType);
    for (K kind : kindType.getEnumConstants()) {
      kinds.put(kind, new KindState());
    }
  }

  /**
   * Writes {@code line} unless a line of {@code kind} was written less than the interval ago, in
   * which case it only counts it.
   *
   * @return whether the line was written
   */
  boolean log(K kind, String line) {
    KindState state = kinds.get(kind);
    long now = nanoClock.getAsLong();
    long suppressed;
    long sinceNanos;
    synchronized (state) {
      if (state.everLogged && now - state.lastLoggedNanos < intervalNanos) {
        state.suppressed++;
        return false;
      }
      suppressed = state.suppressed;
      sinceNanos = now - state.lastLoggedNanos;
      state.suppressed = 0;
      state.lastLoggedNanos = now;
      state.everLogged = true;
    }
    if (suppressed == 0) {
      sink.accept(line);
    } else {
      sink.accept(String.format(Locale.ROOT, "%s (%d more like this in the last %.1f s were not logged)",
          line, suppressed, sinceNanos / 1e9));
    }
    return true;
  }

  /** The lines of {@code kind} held back since its last written line. */
  long suppressed(K kind) {
    KindState state = kinds.get(kind);
    synchronized (state) {
      return state.suppressed;
    }
  }

  /** One kind's last written line and the count held back since. */
  private static final class KindState {
    boolean everLogged;
    long lastLoggedNanos;
    long suppressed;
  }
}

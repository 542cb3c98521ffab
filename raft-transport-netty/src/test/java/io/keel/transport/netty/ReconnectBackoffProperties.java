package io.keel.transport.netty;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class ReconnectBackoffProperties {

  @Property(tries = 500)
  void delays_double_per_attempt_up_to_the_maximum_with_jitter_in_the_upper_half(
      @ForAll @LongRange(min = 1_000_000, max = 60_000_000_000L) long min,
      @ForAll @IntRange(min = 1, max = 10_000) int spread,
      @ForAll @IntRange(min = 0, max = 200) int attempt,
      @ForAll long seed) {
    long max = Math.min(600_000_000_000L, min * spread);
    long ceiling = (long) Math.min((double) max, min * Math.pow(2, Math.min(attempt, 62)));
    long delay = PeerLink.reconnectDelayNanos(min, max, attempt, new Random(seed));
    assertTrue(delay <= ceiling, "delay " + delay + " above the ceiling " + ceiling);
    assertTrue(delay >= ceiling / 2, "delay " + delay + " below half the ceiling " + ceiling);
    assertTrue(delay <= max);
  }

  @Property(tries = 50)
  void the_jitter_spreads_peers_apart(@ForAll long seed) {
    Random random = new Random(seed);
    long first = PeerLink.reconnectDelayNanos(50_000_000, 2_000_000_000, 5, random);
    boolean differs = false;
    for (int i = 0; i < 20 && !differs; i++) {
      differs = PeerLink.reconnectDelayNanos(50_000_000, 2_000_000_000, 5, random) != first;
    }
    assertTrue(differs, "twenty draws gave the same delay");
  }
}

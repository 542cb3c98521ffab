package io.keel.raft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;

class LatencyHistogramProperties {

  @Property(tries = 300)
  void percentiles_are_within_a_factor_of_two_of_the_exact_ones(
      @ForAll @NotEmpty @Size(max = 500) List<@LongRange(min = 0, max = 10_000_000_000L) Long> latencies) {
    LatencyHistogram histogram = new LatencyHistogram();
    latencies.forEach(histogram::record);
    LatencySnapshot snapshot = histogram.snapshot();
    List<Long> sorted = latencies.stream().sorted().toList();
    assertEquals(latencies.size(), snapshot.count());
    assertEquals(sorted.get(sorted.size() - 1), snapshot.maxNanos());
    assertEquals(latencies.stream().mapToLong(Long::longValue).sum() / latencies.size(), snapshot.meanNanos());
    checkWithinBucket(exact(sorted, 0.50), snapshot.p50Nanos());
    checkWithinBucket(exact(sorted, 0.99), snapshot.p99Nanos());
  }

  private static long exact(List<Long> sorted, double fraction) {
    int rank = (int) Math.ceil(sorted.size() * fraction);
    return sorted.get(Math.max(0, rank - 1));
  }

  private static void checkWithinBucket(long exact, long reported) {
    assertTrue(reported >= exact, "reported " + reported + " below the exact " + exact);
    assertTrue(reported <= 2 * exact, "reported " + reported + " above twice the exact " + exact);
  }

  @Property(tries = 1)
  void an_empty_histogram_reports_nothing() {
    assertEquals(LatencySnapshot.EMPTY, new LatencyHistogram().snapshot());
  }
}

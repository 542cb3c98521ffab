package io.keel.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rate limit of WARN lines, on a clock the test moves by hand. */
class RateLimitedLogTest {

  private enum Kind { REFUSED, VIOLATION }

  private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

  private final AtomicLong clock = new AtomicLong(1_000);
  private final List<String> lines = new ArrayList<>();
  private final RateLimitedLog<Kind> log = new RateLimitedLog<>(Kind.class, TEN_SECONDS, clock::get, lines::add);

  @Test
  void a_burst_writes_one_line_and_the_next_line_after_the_interval_counts_the_rest() {
    for (int i = 0; i < 550; i++) {
      log.log(Kind.REFUSED, "refused " + i);
      clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    }
    assertEquals(List.of("refused 0"), lines);
    assertEquals(549, log.suppressed(Kind.REFUSED));

    clock.set(1_000 + TEN_SECONDS);
    assertTrue(log.log(Kind.REFUSED, "refused again"));
    assertEquals("refused again (549 more like this in the last 10.0 s were not logged)", lines.get(1));
    assertEquals(0, log.suppressed(Kind.REFUSED));
  }

  @Test
  void a_line_just_before_the_interval_ends_is_held_back_and_one_at_its_end_is_written() {
    assertTrue(log.log(Kind.REFUSED, "first"));
    clock.addAndGet(TEN_SECONDS - 1);
    assertFalse(log.log(Kind.REFUSED, "too soon"));
    clock.addAndGet(1);
    assertTrue(log.log(Kind.REFUSED, "in time"));
    assertEquals(List.of("first", "in time (1 more like this in the last 10.0 s were not logged)"), lines);
  }

  @Test
  void a_quiet_kind_after_the_interval_writes_its_line_without_a_count() {
    log.log(Kind.REFUSED, "one");
    clock.addAndGet(3 * TEN_SECONDS);
    log.log(Kind.REFUSED, "two");
    assertEquals(List.of("one", "two"), lines);
  }

  @Test
  void kinds_are_limited_independently() {
    for (int i = 0; i < 10; i++) {
      log.log(Kind.REFUSED, "refused " + i);
    }
    assertTrue(log.log(Kind.VIOLATION, "violation"), "a flood of one kind must not hide another");
    assertEquals(List.of("refused 0", "violation"), lines);
    assertEquals(9, log.suppressed(Kind.REFUSED));
    assertEquals(0, log.suppressed(Kind.VIOLATION));
  }

  @Test
  void the_first_line_is_written_whatever_the_clock_reads() {
    clock.set(Long.MIN_VALUE + 5); // nanoTime may be negative
    assertTrue(log.log(Kind.VIOLATION, "first"));
    assertFalse(log.log(Kind.VIOLATION, "second"));
  }

  @Test
  void a_non_positive_interval_is_refused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RateLimitedLog<>(Kind.class, 0, clock::get, lines::add));
    assertEquals("the interval must be positive, got 0 ns", e.getMessage());
  }
}

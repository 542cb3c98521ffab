package io.keel.sim.study;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An election timeout range of the study, in whole milliseconds, both ends inclusive, written
 * {@code 150-300} as in the Raft paper's Figure 16. The heartbeat interval is half the minimum, as
 * in the paper.
 *
 * @param minMillis the shortest election timeout, at least 2 ms (raft-core's lower bound)
 * @param maxMillis the longest election timeout, at least {@code minMillis}
 */
public record TimeoutRange(int minMillis, int maxMillis) {

  /** The paper's ten ranges, in its order: the 150 ms family first, then the shorter ones. */
  public static final List<TimeoutRange> PAPER = parseList(
      "150-150,150-151,150-155,150-175,150-200,150-300,12-24,25-50,50-100,100-200");

  /** Validates the bounds. */
  public TimeoutRange {
    if (minMillis < 2) {
      throw new IllegalArgumentException("the minimum election timeout must be at least 2 ms, got " + minMillis);
    }
    if (maxMillis < minMillis) {
      throw new IllegalArgumentException("the maximum election timeout (" + maxMillis
          + " ms) must be at least the minimum (" + minMillis + " ms)");
    }
    if (maxMillis > 600_000) {
      throw new IllegalArgumentException("the maximum election timeout must be at most 600000 ms, got " + maxMillis);
    }
  }

  /**
   * Reads {@code MIN-MAX} in milliseconds, such as {@code 150-300}.
   *
   * @throws IllegalArgumentException naming the text, if it is not such a range
   */
  public static TimeoutRange parse(String text) {
    String[] parts = text.trim().split("-", -1);
    if (parts.length != 2 || !parts[0].trim().matches("\\d{1,6}") || !parts[1].trim().matches("\\d{1,6}")) {
      throw new IllegalArgumentException("expected an election timeout range MIN-MAX in ms, such as 150-300, got '"
          + text + "'");
    }
    try {
      return new TimeoutRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("range '" + text + "': " + e.getMessage(), e);
    }
  }

  /** Reads a comma-separated list of ranges, such as {@code 150-150,150-300}. */
  public static List<TimeoutRange> parseList(String text) {
    List<TimeoutRange> ranges = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      ranges.add(parse(part));
    }
    return List.copyOf(ranges);
  }

  /** The shortest election timeout. */
  public Duration min() {
    return Duration.ofMillis(minMillis);
  }

  /** The longest election timeout. */
  public Duration max() {
    return Duration.ofMillis(maxMillis);
  }

  /** Half the minimum election timeout, as in the paper (150-150 ms: 75 ms). */
  public Duration heartbeatInterval() {
    return Duration.ofNanos(min().toNanos() / 2);
  }

  /** How much randomness the range has, in ms. */
  public int spreadMillis() {
    return maxMillis - minMillis;
  }

  /** The range as {@code MIN-MAX}, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return minMillis + "-" + maxMillis;
  }
}

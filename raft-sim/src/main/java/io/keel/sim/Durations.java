package io.keel.sim;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as the simulator writes and reads them: a number with a unit, {@code 250us},
 * {@code 15ms}, {@code 2.5s}. Used by fault schedules, scenarios and reports.
 */
public final class Durations {

  private Durations() {}

  /** {@code duration} in the largest unit that keeps it readable: {@code 1.5s}, {@code 20ms}, {@code 40us}. */
  public static String format(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos == 0) {
      return "0ms";
    }
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos >= 1_000_000_000L) {
      return trim(String.format(Locale.ROOT, "%.6f", nanos / 1e9)) + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos >= 1_000_000L) {
      return trim(String.format(Locale.ROOT, "%.3f", nanos / 1e6)) + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }

  /** Formats a time or duration given in nanoseconds. */
  public static String formatNanos(long nanos) {
    return format(Duration.ofNanos(nanos));
  }

  /**
   * Parses {@code 15ms}, {@code 2.5s}, {@code 250us}, {@code 100ns}, {@code 1m}.
   *
   * @throws IllegalArgumentException naming the text, if it is not a duration
   */
  public static Duration parse(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    String[] units = {"ns", "us", "ms", "s", "m"};
    long[] nanosPerUnit = {1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L};
    for (int i = 0; i < units.length; i++) {
      if (trimmed.endsWith(units[i])) {
        String number = trimmed.substring(0, trimmed.length() - units[i].length());
        // "ms" also ends with "s", and "ns"/"us" likewise: try the two-letter units first.
        if (units[i].length() == 1 && (number.endsWith("m") || number.endsWith("n") || number.endsWith("u"))) {
          continue;
        }
        try {
          double value = Double.parseDouble(number);
          if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            break;
          }
          return Duration.ofNanos(Math.round(value * nanosPerUnit[i]));
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new IllegalArgumentException("not a duration: '" + text + "' (expected e.g. 250us, 15ms, 2.5s)");
  }

  private static String trim(String decimal) {
    String result = decimal.replaceAll("0+$", "");
    return result.endsWith(".") ? result.substring(0, result.length() - 1) : result;
  }
}

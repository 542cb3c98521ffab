package io.keel.sim;

import java.time.Duration;

/** Argument checks whose messages name the field and its allowed range. */
final class Checks {

  private Checks() {}

  static void range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", got " + value);
    }
  }

  static void positive(String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, got " + value);
    }
  }

  static void nonNegative(String field, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be zero or more, got " + value);
    }
  }

  static void probability(String field, double value, double max) {
    if (!(value >= 0 && value <= max)) {
      throw new IllegalArgumentException(field + " must be between 0 and " + max + ", got " + value);
    }
  }
}

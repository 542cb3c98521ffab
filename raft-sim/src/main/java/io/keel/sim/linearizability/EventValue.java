package io.keel.sim.linearizability;

/**
 * The {@code value} field of a history event: absent, one value (a string or null, where null
 * means the key is absent), or the {@code ["expected","new"]} pair of a compare-and-set.
 */
public sealed interface EventValue {

  /** The event has no {@code value} field. */
  EventValue NONE = new NoValue();

  /** A single value; {@code value} is null when the key is absent. */
  static EventValue single(String value) {
    return new Single(value);
  }

  /** The argument of a compare-and-set; either side may be null (key absent). */
  static EventValue pair(String expected, String replacement) {
    return new Pair(expected, replacement);
  }

  /** No {@code value} field. */
  record NoValue() implements EventValue {}

  /** One value, possibly null. */
  record Single(String value) implements EventValue {}

  /** A compare-and-set argument: the value expected and the value to set. */
  record Pair(String expected, String replacement) implements EventValue {}
}

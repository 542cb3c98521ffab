package io.keel.sim.linearizability;

/** The {@code type} of a history event: an invocation or one of the three ways it can end. */
public enum EventType {
  /** The client sent the operation. */
  INVOKE("invoke"),
  /** The operation took effect exactly once, between its invocation and this event. */
  OK("ok"),
  /** The operation certainly did not take effect. */
  FAIL("fail"),
  /** The outcome is unknown: the operation may have taken effect at any later moment, or never. */
  INFO("info");

  private final String jsonName;

  EventType(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name used in the JSON-lines format. */
  public String jsonName() {
    return jsonName;
  }

  /** Whether this event ends an operation (everything except {@link #INVOKE}). */
  public boolean isCompletion() {
    return this != INVOKE;
  }

  /** The type spelled {@code name} in the format, or null if there is none. */
  static EventType fromJsonName(String name) {
    for (EventType type : values()) {
      if (type.jsonName.equals(name)) {
        return type;
      }
    }
    return null;
  }
}

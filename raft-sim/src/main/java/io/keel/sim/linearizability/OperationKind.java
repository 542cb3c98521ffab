package io.keel.sim.linearizability;

/** The {@code f} of a history event: which key-value operation a client ran on one key. */
public enum OperationKind {
  /** Returns the key's value, or null when the key is absent. */
  READ("read"),
  /** Sets the key's value; writing null removes the key. */
  WRITE("write"),
  /** Compare-and-set: sets the new value only if the current value equals the expected one. */
  CAS("cas");

  private final String jsonName;

  OperationKind(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name used in the JSON-lines format. */
  public String jsonName() {
    return jsonName;
  }

  /** The kind spelled {@code name} in the format, or null if there is none. */
  static OperationKind fromJsonName(String name) {
    for (OperationKind kind : values()) {
      if (kind.jsonName.equals(name)) {
        return kind;
      }
    }
    return null;
  }
}

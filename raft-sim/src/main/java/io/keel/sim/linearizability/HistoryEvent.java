package io.keel.sim.linearizability;

import java.util.Objects;

/**
 * One line of a history: a process invoking an operation on a key, or that operation ending.
 *
 * @param process the client process; it has at most one operation outstanding
 * @param type invoke, ok, fail or info
 * @param kind the operation, {@code f} in the format
 * @param key the key the operation is on
 * @param value the {@code value} field, {@link EventValue#NONE} when the line has none
 * @param timeNanos nanoseconds on the monotonic clock shared by all clients of the history
 */
public record HistoryEvent(
    long process,
    EventType type,
    OperationKind kind,
    String key,
    EventValue value,
    long timeNanos) {

  /** Checks that no field is missing. */
  public HistoryEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}

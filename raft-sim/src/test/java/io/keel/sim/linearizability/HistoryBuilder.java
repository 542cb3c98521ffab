package io.keel.sim.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds small histories for tests, one operation per call with its interval, and lays their
 * events out in time order the way a recorder would.
 */
final class HistoryBuilder {

  private record Timed(HistoryEvent event, int sequence) {}

  private final List<Timed> events = new ArrayList<>();

  HistoryBuilder read(long process, String key, String valueRead, long invoke, long complete) {
    return add(process, OperationKind.READ, key, EventValue.NONE, invoke,
        EventType.OK, EventValue.single(valueRead), complete);
  }

  HistoryBuilder write(long process, String key, String value, long invoke, long complete) {
    return add(process, OperationKind.WRITE, key, EventValue.single(value), invoke,
        EventType.OK, EventValue.NONE, complete);
  }

  HistoryBuilder cas(long process, String key, String expected, String replacement,
      long invoke, long complete) {
    return add(process, OperationKind.CAS, key, EventValue.pair(expected, replacement), invoke,
        EventType.OK, EventValue.NONE, complete);
  }

  /** A write that ends with {@code type} (fail or info) at {@code complete}. */
  HistoryBuilder write(long process, String key, String value, long invoke, EventType type,
      long complete) {
    return add(process, OperationKind.WRITE, key, EventValue.single(value), invoke,
        type, EventValue.NONE, complete);
  }

  /** A compare-and-set that ends with {@code type} (fail or info) at {@code complete}. */
  HistoryBuilder cas(long process, String key, String expected, String replacement, long invoke,
      EventType type, long complete) {
    return add(process, OperationKind.CAS, key, EventValue.pair(expected, replacement), invoke,
        type, EventValue.NONE, complete);
  }

  /** A read that ends with {@code type} (fail or info), carrying {@code value} if not NONE. */
  HistoryBuilder read(long process, String key, long invoke, EventType type, EventValue value,
      long complete) {
    return add(process, OperationKind.READ, key, EventValue.NONE, invoke, type, value, complete);
  }

  /** A write invoked at {@code invoke} that never completes. */
  HistoryBuilder pendingWrite(long process, String key, String value, long invoke) {
    invoke(process, OperationKind.WRITE, key, EventValue.single(value), invoke);
    return this;
  }

  private HistoryBuilder add(long process, OperationKind kind, String key, EventValue argument,
      long invoke, EventType type, EventValue result, long complete) {
    invoke(process, kind, key, argument, invoke);
    events.add(new Timed(new HistoryEvent(process, type, kind, key, result, complete),
        events.size()));
    return this;
  }

  private void invoke(long process, OperationKind kind, String key, EventValue argument,
      long invoke) {
    events.add(new Timed(new HistoryEvent(process, EventType.INVOKE, kind, key, argument, invoke),
        events.size()));
  }

  /** The events in time order; at equal times, in the order they were added. */
  List<HistoryEvent> events() {
    return events.stream()
        .sorted(Comparator.comparingLong((Timed timed) -> timed.event().timeNanos())
            .thenComparingInt(Timed::sequence))
        .map(Timed::event)
        .toList();
  }

  /** The history as the JSON-lines text a file would hold. */
  String jsonLines() {
    StringBuilder text = new StringBuilder();
    for (HistoryEvent event : events()) {
      text.append(HistoryJson.format(event)).append('\n');
    }
    return text.toString();
  }

  History build() {
    try {
      return HistoryReader.fromEvents(events(), "test");
    } catch (BadHistoryException e) {
      throw new AssertionError("the test built a bad history: " + e.getMessage(), e);
    }
  }
}

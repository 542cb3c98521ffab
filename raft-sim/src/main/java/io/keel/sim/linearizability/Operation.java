package io.keel.sim.linearizability;

/**
 * One operation of a history that the checker has to place: an invoke paired with its {@code ok}
 * completion, or an invoke whose outcome is unknown ({@code info}, or no completion at all).
 * Failed operations and reads of unknown outcome constrain nothing and never become operations.
 *
 * @param id position of the invoke among all invokes of the history, from 0
 * @param process the client process
 * @param kind read, write or compare-and-set
 * @param key the key
 * @param value for a read, the value read; for a write, the value written; for a compare-and-set,
 *     the new value; null means the key is absent
 * @param expected for a compare-and-set, the value it expected; null otherwise
 * @param invokeNanos time of the invoke
 * @param completeNanos time of the {@code ok} completion, or {@link Long#MAX_VALUE} when the
 *     outcome is unknown
 * @param outcome {@link EventType#OK} or {@link EventType#INFO} (which includes "never completed")
 * @param invokeLine line of the invoke in the history
 * @param completionLine line of the completion, or 0 if there was none
 */
public record Operation(
    int id,
    long process,
    OperationKind kind,
    String key,
    String value,
    String expected,
    long invokeNanos,
    long completeNanos,
    EventType outcome,
    long invokeLine,
    long completionLine) {

  /** Completion time of an operation whose outcome is unknown: it may take effect at any time. */
  public static final long UNKNOWN_COMPLETION_NANOS = Long.MAX_VALUE;

  /** Checks the invariants the checker relies on. */
  public Operation {
    if (outcome != EventType.OK && outcome != EventType.INFO) {
      throw new IllegalArgumentException("an operation is ok or info, not " + outcome);
    }
    if (outcome == EventType.INFO && completeNanos != UNKNOWN_COMPLETION_NANOS) {
      throw new IllegalArgumentException("an info operation has no completion time");
    }
    if (completeNanos < invokeNanos) {
      throw new IllegalArgumentException("completion before invoke");
    }
    if (outcome == EventType.INFO && kind == OperationKind.READ) {
      throw new IllegalArgumentException("a read of unknown outcome constrains nothing");
    }
  }

  /** Whether the operation certainly took effect ({@code ok}). */
  public boolean isOk() {
    return outcome == EventType.OK;
  }

  /** A short human-readable form, e.g. {@code process 3 cas(k1, "a" -> "b") ok [10, 25]}. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append("process ").append(process).append(' ').append(kind.jsonName()).append('(');
    HistoryJson.appendString(text, key);
    switch (kind) {
      case READ -> text.append(") -> ");
      case WRITE -> text.append(", ");
      case CAS -> {
        text.append(", ");
        HistoryJson.appendNullableString(text, expected);
        text.append(" -> ");
      }
    }
    HistoryJson.appendNullableString(text, value);
    if (kind != OperationKind.READ) {
      text.append(')');
    }
    text.append(' ').append(outcome.jsonName()).append(" [").append(invokeNanos).append(", ");
    text.append(isOk() ? Long.toString(completeNanos) : "unknown").append(']');
    text.append(" line ").append(invokeLine);
    return text.toString();
  }
}

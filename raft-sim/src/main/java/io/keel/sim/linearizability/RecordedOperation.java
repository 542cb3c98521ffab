package io.keel.sim.linearizability;

/**
 * An operation a {@link HistoryRecorder} recorded the invoke of, waiting for its completion. Call
 * exactly one completion method, from any thread; a second one throws.
 */
public final class RecordedOperation {

  private final HistoryRecorder recorder;
  private final long process;
  private final OperationKind kind;
  private final String key;

  RecordedOperation(HistoryRecorder recorder, long process, OperationKind kind, String key) {
    this.recorder = recorder;
    this.process = process;
    this.kind = kind;
    this.key = key;
  }

  /** The read returned {@code valueRead} (null if the key was absent). */
  public void okRead(String valueRead) {
    if (kind != OperationKind.READ) {
      throw new IllegalStateException("okRead completes a read; use ok() for a " + kind.jsonName());
    }
    recorder.complete(this, EventType.OK, EventValue.single(valueRead));
  }

  /** The write or compare-and-set took effect: the service confirmed it. */
  public void ok() {
    if (kind == OperationKind.READ) {
      throw new IllegalStateException("a read completes with okRead(valueRead)");
    }
    recorder.complete(this, EventType.OK, EventValue.NONE);
  }

  /**
   * The operation certainly did not take effect, for example a compare-and-set the service
   * rejected because the value differed. Never use this for a timeout or an error whose effect is
   * unknown.
   */
  public void fail() {
    recorder.complete(this, EventType.FAIL, EventValue.NONE);
  }

  /** The outcome is unknown: the operation may take effect at any later moment, or never. */
  public void info() {
    recorder.complete(this, EventType.INFO, EventValue.NONE);
  }

  /** The client gave up waiting; recorded as {@code info}, since the request may still land. */
  public void timedOut() {
    info();
  }

  /** The connection broke before a reply; recorded as {@code info}: the request may have landed. */
  public void connectionLost() {
    info();
  }

  long process() {
    return process;
  }

  OperationKind kind() {
    return kind;
  }

  String key() {
    return key;
  }
}

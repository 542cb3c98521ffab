package io.keel.kv.resp;

import java.util.concurrent.atomic.LongAdder;

/** The client port's counters: connections, refusals, and input that was no RESP. Safe from any thread. */
public final class RespStats {

  private final LongAdder accepted = new LongAdder();
  private final LongAdder open = new LongAdder();
  private final LongAdder refusedConnections = new LongAdder();
  private final LongAdder refusedInput = new LongAdder();
  private final LongAdder pausedReading = new LongAdder();

  void accepted() {
    accepted.increment();
    open.increment();
  }

  void disconnected() {
    open.decrement();
  }

  void refusedConnection() {
    refusedConnections.increment();
  }

  void countRefusedInput() {
    refusedInput.increment();
  }

  void countPausedReading() {
    pausedReading.increment();
  }

  /** Connections accepted since the start. */
  public long acceptedConnections() {
    return accepted.sum();
  }

  /** Connections open now. */
  public long openConnections() {
    return open.sum();
  }

  /** Connections refused because {@code max-clients} were open. */
  public long refusedConnections() {
    return refusedConnections.sum();
  }

  /** Connections closed because their input was no RESP request this service takes. */
  public long refusedInput() {
    return refusedInput.sum();
  }

  /** Times a connection stopped reading because too many of its replies were outstanding. */
  public long pausedReading() {
    return pausedReading.sum();
  }
}

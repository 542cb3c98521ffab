package io.keel.sim.linearizability;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Records a client history in the JSON-lines format the checker reads. Thread-safe: any number of
 * client threads share one recorder, and so one clock.
 *
 * <p>Each event reads the clock and is written under one lock, so the file is in time order and
 * every process's events are in the order they happened. A process may have one operation
 * outstanding; invoking a second one is a bug in the client and throws.
 *
 * <p>Complete an operation with {@code ok} only when the service confirmed it, with {@code fail}
 * only when the service confirmed that it did <em>not</em> happen (a compare-and-set whose
 * expected value did not match, a request refused before it was sent), and with
 * {@link RecordedOperation#timedOut()}, {@link RecordedOperation#connectionLost()} or
 * {@link RecordedOperation#info()} in every other case. A timed-out write may still be applied
 * later; recording it as failed would make the checker reject a correct system as soon as a read
 * sees that write. Recording it as {@code info} lets the checker consider both outcomes.
 */
public final class HistoryRecorder implements Closeable, Flushable {

  private final Writer out;
  private final LongSupplier clockNanos;
  private final Map<Long, RecordedOperation> outstandingByProcess = new HashMap<>();

  /**
   * A recorder writing to {@code out} and reading {@code clockNanos}, which must be one monotonic
   * clock for every client of the history ({@code System::nanoTime} within one JVM, simulated time
   * in the simulator).
   */
  public HistoryRecorder(Writer out, LongSupplier clockNanos) {
    this.out = out;
    this.clockNanos = clockNanos;
  }

  /** A recorder that writes {@code file} (UTF-8) and uses {@link System#nanoTime()}. */
  public static HistoryRecorder create(Path file) throws IOException {
    BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    return new HistoryRecorder(writer, System::nanoTime);
  }

  /** Records that {@code process} invokes a read of {@code key}. */
  public RecordedOperation invokeRead(long process, String key) {
    return invoke(process, OperationKind.READ, key, EventValue.NONE);
  }

  /** Records that {@code process} invokes a write of {@code value} (null removes the key). */
  public RecordedOperation invokeWrite(long process, String key, String value) {
    return invoke(process, OperationKind.WRITE, key, EventValue.single(value));
  }

  /** Records that {@code process} invokes a compare-and-set of {@code expected} to a new value. */
  public RecordedOperation invokeCas(
      long process, String key, String expected, String replacement) {
    return invoke(process, OperationKind.CAS, key, EventValue.pair(expected, replacement));
  }

  private synchronized RecordedOperation invoke(
      long process, OperationKind kind, String key, EventValue value) {
    if (process < 0) {
      throw new IllegalArgumentException("process ids are not negative");
    }
    RecordedOperation outstanding = outstandingByProcess.get(process);
    if (outstanding != null) {
      throw new IllegalStateException("process " + process + " already has an operation"
          + " outstanding; a process runs one operation at a time");
    }
    RecordedOperation operation = new RecordedOperation(this, process, kind, key);
    write(new HistoryEvent(process, EventType.INVOKE, kind, key, value, clockNanos.getAsLong()));
    outstandingByProcess.put(process, operation);
    return operation;
  }

  /** Called by {@link RecordedOperation}: writes its completion and frees its process. */
  synchronized void complete(RecordedOperation operation, EventType type, EventValue value) {
    if (outstandingByProcess.get(operation.process()) != operation) {
      throw new IllegalStateException("operation of process " + operation.process()
          + " is already completed");
    }
    write(new HistoryEvent(operation.process(), type, operation.kind(), operation.key(), value,
        clockNanos.getAsLong()));
    outstandingByProcess.remove(operation.process());
  }

  private void write(HistoryEvent event) {
    try {
      out.write(HistoryJson.format(event));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("could not record a history event", e);
    }
  }

  /** Writes buffered events through to the underlying writer. */
  @Override
  public synchronized void flush() throws IOException {
    out.flush();
  }

  /**
   * Closes the output. Operations still outstanding stay without a completion, which the checker
   * reads as "may have taken effect, or not" — the truth about an operation nobody saw finish.
   */
  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}

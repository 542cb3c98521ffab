package io.keel.raft.storage;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.LogStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A {@link LogStore} in memory, for tests and the simulator. Each write becomes durable a
 * configurable delay after it was made, on a clock the driver supplies; the driver calls
 * {@link #reportDurable(long)} to deliver the reports that are due, so the store never calls its
 * listener from inside a write.
 *
 * <p>It keeps two images: what reads see, and what would survive a crash. {@link #crash()} drops
 * every write not yet reported durable, as a machine losing its page cache would.
 */
public final class InMemoryLogStore implements LogStore {

  private sealed interface Write permits Append, Truncate, SaveHardState {}

  private record Append(List<LogEntry> entries) implements Write {}

  private record Truncate(long fromIndex) implements Write {}

  private record SaveHardState(HardState state) implements Write {}

  private record PendingWrite(Write write, long dueNanos) {}

  private final DurabilityListener listener;
  private final LongSupplier clockNanos;
  private final long durabilityDelayNanos;
  private final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();

  private final List<LogEntry> entries = new ArrayList<>();
  private HardState hardState = HardState.INITIAL;
  private final List<LogEntry> durableEntries = new ArrayList<>();
  private HardState durableHardState = HardState.INITIAL;

  /**
   * A store reporting to {@code listener}, each write durable {@code durabilityDelayNanos} after
   * the time {@code clockNanos} gives when it is made.
   */
  public InMemoryLogStore(DurabilityListener listener, LongSupplier clockNanos, long durabilityDelayNanos) {
    if (durabilityDelayNanos < 0) {
      throw new IllegalArgumentException("durabilityDelayNanos must be >= 0, got " + durabilityDelayNanos);
    }
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clockNanos = Objects.requireNonNull(clockNanos, "clockNanos");
    this.durabilityDelayNanos = durabilityDelayNanos;
  }

  // ---------------------------------------------------------------- LogStore

  @Override
  public HardState hardState() {
    return hardState;
  }

  @Override
  public long firstIndex() {
    return 1;
  }

  @Override
  public long lastIndex() {
    return entries.size();
  }

  @Override
  public long term(long index) {
    if (index == 0) {
      return 0;
    }
    return entry(index).term();
  }

  @Override
  public LogEntry entry(long index) {
    if (index < 1 || index > entries.size()) {
      throw new IndexOutOfBoundsException("index " + index + " outside the log [1, " + entries.size() + "]");
    }
    return entries.get((int) (index - 1));
  }

  @Override
  public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    if (fromIndex < 1 || toIndex < fromIndex || toIndex > entries.size() + 1) {
      throw new IndexOutOfBoundsException(
          "range [" + fromIndex + ", " + toIndex + ") outside the log [1, " + entries.size() + "]");
    }
    long bytes = 0;
    int end = (int) (fromIndex - 1);
    while (end < toIndex - 1) {
      bytes += entries.get(end).sizeBytes();
      if (bytes > maxBytes && end > fromIndex - 1) {
        break;
      }
      end++;
    }
    return List.copyOf(entries.subList((int) (fromIndex - 1), end));
  }

  @Override
  public void append(List<LogEntry> newEntries) {
    checkContinues(entries, newEntries);
    List<LogEntry> copy = List.copyOf(newEntries);
    entries.addAll(copy);
    schedule(new Append(copy));
  }

  @Override
  public void truncateSuffix(long fromIndex) {
    if (fromIndex < 1 || fromIndex > entries.size() + 1) {
      throw new IllegalArgumentException(
          "cannot truncate from " + fromIndex + ": the log holds [1, " + entries.size() + "]");
    }
    truncate(entries, fromIndex);
    schedule(new Truncate(fromIndex));
  }

  @Override
  public void saveHardState(HardState state) {
    hardState = Objects.requireNonNull(state, "state");
    schedule(new SaveHardState(state));
  }

  // ---------------------------------------------------------------- driver side

  /** When the next pending write becomes durable, or {@link Long#MAX_VALUE} if none is pending. */
  public long nextDurableNanos() {
    return pending.isEmpty() ? Long.MAX_VALUE : pending.peekFirst().dueNanos();
  }

  /** Whether writes are waiting to become durable. */
  public boolean hasPendingWrites() {
    return !pending.isEmpty();
  }

  /**
   * Makes durable every write due by {@code nowNanos}, in order, and reports it to the listener:
   * one log report for the last durable entry and one for the last hard state.
   */
  public void reportDurable(long nowNanos) {
    boolean logChanged = false;
    HardState savedState = null;
    while (!pending.isEmpty() && pending.peekFirst().dueNanos() <= nowNanos) {
      Write write = pending.pollFirst().write();
      if (write instanceof Append append) {
        durableEntries.addAll(append.entries());
        logChanged = true;
      } else if (write instanceof Truncate truncate) {
        truncate(durableEntries, truncate.fromIndex());
      } else if (write instanceof SaveHardState save) {
        durableHardState = save.state();
        savedState = save.state();
      }
    }
    if (savedState != null) {
      listener.hardStateDurable(savedState);
    }
    if (logChanged && !durableEntries.isEmpty()) {
      LogEntry last = durableEntries.get(durableEntries.size() - 1);
      listener.logDurable(last.index(), last.term());
    }
  }

  /** Makes every pending write durable now, whatever its delay. */
  public void reportAllDurable() {
    reportDurable(Long.MAX_VALUE);
  }

  /**
   * Simulates a crash: every write not yet durable is lost, and reads see only what survived. The
   * store can then back a restarted node.
   */
  public void crash() {
    pending.clear();
    entries.clear();
    entries.addAll(durableEntries);
    hardState = durableHardState;
  }

  private void schedule(Write write) {
    pending.addLast(new PendingWrite(write, clockNanos.getAsLong() + durabilityDelayNanos));
  }

  private static void truncate(List<LogEntry> log, long fromIndex) {
    if (fromIndex <= log.size()) {
      log.subList((int) (fromIndex - 1), log.size()).clear();
    }
  }

  private static void checkContinues(List<LogEntry> log, List<LogEntry> newEntries) {
    long expected = log.size() + 1;
    long previousTerm = log.isEmpty() ? 0 : log.get(log.size() - 1).term();
    for (LogEntry entry : newEntries) {
      if (entry.index() != expected || entry.term() < previousTerm) {
        throw new IllegalArgumentException("entry " + entry + " does not continue the log at index "
            + expected + " (last term " + previousTerm + ")");
      }
      previousTerm = entry.term();
      expected++;
    }
  }
}

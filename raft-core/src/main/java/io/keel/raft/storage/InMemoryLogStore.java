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

  private sealed interface Write permits Append, Truncate, Compact, SaveHardState {}

  private record Append(List<LogEntry> entries) implements Write {}

  private record Truncate(long fromIndex) implements Write {}

  private record Compact(long index, long term) implements Write {}

  private record SaveHardState(HardState state) implements Write {}

  private record PendingWrite(Write write, long sequence, long dueNanos) {}

  /** One image of the log: the entries after a start point whose term is known. */
  private static final class Image {
    long startIndex;
    long startTerm;
    final List<LogEntry> entries = new ArrayList<>();

    long lastIndex() {
      return startIndex + entries.size();
    }

    long term(long index) {
      return index == startIndex ? startTerm : entries.get((int) (index - startIndex - 1)).term();
    }

    void truncate(long fromIndex) {
      if (fromIndex <= lastIndex()) {
        entries.subList((int) (fromIndex - startIndex - 1), entries.size()).clear();
      }
    }

    void compact(long index, long term) {
      if (index <= lastIndex() && term(index) == term) {
        entries.subList(0, (int) (index - startIndex)).clear();
      } else {
        entries.clear();
      }
      startIndex = index;
      startTerm = term;
    }

    void copyFrom(Image other) {
      startIndex = other.startIndex;
      startTerm = other.startTerm;
      entries.clear();
      entries.addAll(other.entries);
    }
  }

  private final DurabilityListener listener;
  private final LongSupplier clockNanos;
  private final long durabilityDelayNanos;
  private final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();

  private final Image log = new Image();
  private HardState hardState = HardState.INITIAL;
  private final Image durableLog = new Image();
  private HardState durableHardState = HardState.INITIAL;
  /** The sequence number of the last log write made. */
  private long sequence;

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
    return log.startIndex + 1;
  }

  @Override
  public long lastIndex() {
    return log.lastIndex();
  }

  @Override
  public long term(long index) {
    if (index < log.startIndex || index > log.lastIndex()) {
      throw new IndexOutOfBoundsException("no term for index " + index + ": the log holds ["
          + firstIndex() + ", " + lastIndex() + "] after " + log.startIndex + "@" + log.startTerm);
    }
    return log.term(index);
  }

  @Override
  public LogEntry entry(long index) {
    if (index < firstIndex() || index > lastIndex()) {
      throw new IndexOutOfBoundsException("index " + index + " outside the log [" + firstIndex() + ", " + lastIndex() + "]");
    }
    return log.entries.get((int) (index - firstIndex()));
  }

  @Override
  public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    LogStoreChecks.checkRange(firstIndex(), lastIndex(), fromIndex, toIndex);
    return LogStoreChecks.prefixWithin(
        log.entries.subList((int) (fromIndex - firstIndex()), (int) (toIndex - firstIndex())), maxBytes);
  }

  @Override
  public long append(List<LogEntry> newEntries) {
    LogStoreChecks.checkContinues(lastIndex(), log.term(lastIndex()), newEntries);
    if (newEntries.isEmpty()) {
      return sequence;
    }
    List<LogEntry> copy = List.copyOf(newEntries);
    log.entries.addAll(copy);
    return schedule(new Append(copy));
  }

  @Override
  public long truncateSuffix(long fromIndex) {
    LogStoreChecks.checkTruncation(firstIndex(), lastIndex(), fromIndex);
    if (fromIndex > lastIndex()) {
      return sequence;
    }
    log.truncate(fromIndex);
    return schedule(new Truncate(fromIndex));
  }

  @Override
  public long compactPrefix(long index, long term) {
    if (LogStoreChecks.checkCompaction(firstIndex(), log.startTerm, index, term)) {
      log.compact(index, term);
      return schedule(new Compact(index, term));
    }
    return sequence;
  }

  @Override
  public void saveHardState(HardState state) {
    hardState = Objects.requireNonNull(state, "state");
    pending.addLast(new PendingWrite(new SaveHardState(state), sequence, clockNanos.getAsLong() + durabilityDelayNanos));
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
    long covered = 0;
    HardState savedState = null;
    while (!pending.isEmpty() && pending.peekFirst().dueNanos() <= nowNanos) {
      PendingWrite next = pending.pollFirst();
      covered = next.sequence();
      Write write = next.write();
      if (write instanceof Append append) {
        durableLog.entries.addAll(append.entries());
        logChanged = true;
      } else if (write instanceof Truncate truncate) {
        durableLog.truncate(truncate.fromIndex());
      } else if (write instanceof Compact compact) {
        durableLog.compact(compact.index(), compact.term());
      } else if (write instanceof SaveHardState save) {
        durableHardState = save.state();
        savedState = save.state();
      }
    }
    if (savedState != null) {
      listener.hardStateDurable(savedState);
    }
    if (logChanged && !durableLog.entries.isEmpty()) {
      long last = durableLog.lastIndex();
      listener.logDurable(covered, last, durableLog.term(last));
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
    log.copyFrom(durableLog);
    hardState = durableHardState;
  }

  /** Queues a log write; returns its sequence number. */
  private long schedule(Write write) {
    pending.addLast(new PendingWrite(write, ++sequence, clockNanos.getAsLong() + durabilityDelayNanos));
    return sequence;
  }
}

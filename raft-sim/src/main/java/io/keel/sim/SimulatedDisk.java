package io.keel.sim;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.sim.check.Violation;
import io.keel.raft.LogStore;
import io.keel.raft.storage.LogStoreChecks;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A node's simulated disk, a {@link LogStore} with the failure modes of a real one. Writes land in a
 * page cache at once (reads see them) and become durable only when an fsync that started after
 * them completes: one fsync at a time covers every write made before it started (group commit),
 * and takes a latency drawn from the disk's model, which a slow-disk fault multiplies. A crash keeps
 * what was reported durable and, if tearing is on, a random prefix of the writes after it (the last
 * append possibly cut in the middle) and any one of the hard states saved since: exactly what a
 * file-backed store may find on restart. An injected I/O error fails the next fsync.
 *
 * <p>The disk also keeps, for the checkers, a hash of every prefix of its log (visible and durable)
 * and counts its suffix truncations.
 */
public final class SimulatedDisk implements LogStore {

  private sealed interface Write permits Append, Truncate, Compact, SaveHardState {}

  private record Append(List<LogEntry> entries) implements Write {}

  private record Truncate(long fromIndex) implements Write {}

  private record Compact(long index, long term, long startHash) implements Write {}

  private record SaveHardState(HardState state) implements Write {}

  private final LongSupplier clockNanos;
  private final SimRandom random;
  private DurabilityListener listener;

  private final LogImage visible = new LogImage();
  private final LogImage durable = new LogImage();
  private CommittedPrefix committedPrefix = CommittedPrefix.UNKNOWN;
  private String owner = "a node";
  private final ArrayDeque<Write> pending = new ArrayDeque<>();
  /** Per pending write, in order: the sequence number of the last log write up to it. */
  private final ArrayDeque<Long> pendingSequences = new ArrayDeque<>();
  /** The sequence number of the last log write made. */
  private long sequence;
  private HardState hardState = HardState.INITIAL;
  private HardState durableHardState = HardState.INITIAL;

  private long fsyncLatencyNanos;
  private FaultSchedule.Buggify buggify = FaultSchedule.Buggify.NONE;
  private long slowUntilNanos;
  private double slowFactor = 1;
  private boolean failNextSync;
  private boolean failed;

  private int writesInSync;
  private long syncDoneNanos = Long.MAX_VALUE;
  private long truncations;
  private long writesLostInCrashes;
  private long lowestAppendedIndex = Long.MAX_VALUE;

  /** A disk on the simulation's clock, whose fsyncs take about {@code fsyncLatencyNanos}. */
  SimulatedDisk(LongSupplier clockNanos, SimRandom random, long fsyncLatencyNanos) {
    this.clockNanos = Objects.requireNonNull(clockNanos, "clockNanos");
    this.random = Objects.requireNonNull(random, "random");
    this.fsyncLatencyNanos = fsyncLatencyNanos;
  }

  void listener(DurabilityListener newListener) {
    this.listener = newListener;
  }

  // ---------------------------------------------------------------- LogStore

  @Override
  public HardState hardState() {
    return hardState;
  }

  @Override
  public long firstIndex() {
    return visible.startIndex() + 1;
  }

  @Override
  public long lastIndex() {
    return visible.lastIndex();
  }

  @Override
  public long term(long index) {
    if (index < visible.startIndex() || index > visible.lastIndex()) {
      throw new IndexOutOfBoundsException("no term for index " + index + ": the log holds [" + firstIndex() + ", "
          + lastIndex() + "]");
    }
    return visible.termAt(index);
  }

  @Override
  public LogEntry entry(long index) {
    if (index < firstIndex() || index > lastIndex()) {
      throw new IndexOutOfBoundsException("index " + index + " outside the log [" + firstIndex() + ", "
          + lastIndex() + "]");
    }
    return visible.get(index);
  }

  @Override
  public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    LogStoreChecks.checkRange(firstIndex(), lastIndex(), fromIndex, toIndex);
    return LogStoreChecks.prefixWithin(visible.view(fromIndex, toIndex), maxBytes);
  }

  @Override
  public long append(List<LogEntry> entries) {
    checkWritable();
    LogStoreChecks.checkContinues(lastIndex(), visible.termAt(lastIndex()), entries);
    if (entries.isEmpty()) {
      return sequence;
    }
    List<LogEntry> copy = List.copyOf(entries);
    lowestAppendedIndex = Math.min(lowestAppendedIndex, copy.get(0).index());
    visible.addAll(copy);
    return writeLog(new Append(copy));
  }

  @Override
  public long truncateSuffix(long fromIndex) {
    checkWritable();
    LogStoreChecks.checkTruncation(firstIndex(), lastIndex(), fromIndex);
    if (fromIndex > lastIndex()) {
      return sequence;
    }
    truncations++;
    visible.truncate(fromIndex);
    return writeLog(new Truncate(fromIndex));
  }

  @Override
  public long compactPrefix(long index, long term) {
    checkWritable();
    if (LogStoreChecks.checkCompaction(firstIndex(), visible.termAt(visible.startIndex()), index, term)) {
      long startHash = committedPrefix.hashAt(index, term, owner);
      if (committedPrefix != CommittedPrefix.UNKNOWN && index <= visible.lastIndex() && visible.termAt(index) == term
          && visible.prefixHash(index) != startHash) {
        throw Violation.safety("State Machine Safety", owner + " compacts its log up to " + index + "@" + term
            + ", which differs from the committed log there");
      }
      visible.compact(index, term, startHash);
      return writeLog(new Compact(index, term, startHash));
    }
    return sequence;
  }

  @Override
  public void saveHardState(HardState state) {
    checkWritable();
    hardState = Objects.requireNonNull(state, "state");
    write(new SaveHardState(state));
  }

  // ---------------------------------------------------------------- the simulation's side

  /** When the fsync in flight completes, or {@link Long#MAX_VALUE} if none is. */
  long syncDoneNanos() {
    return syncDoneNanos;
  }

  /**
   * Completes the fsync in flight if it is due: its writes become durable and are reported, one log
   * report and one hard-state report, or the failure is reported if an I/O error was injected.
   * Starts the next fsync if more writes wait.
   */
  void completeSync(long nowNanos) {
    if (nowNanos < syncDoneNanos) {
      return;
    }
    syncDoneNanos = Long.MAX_VALUE;
    if (failNextSync) {
      failNextSync = false;
      failed = true;
      pending.clear();
      pendingSequences.clear();
      writesInSync = 0;
      listener.storageFailed(new IOException("simulated I/O error: fsync failed"));
      return;
    }
    boolean logChanged = false;
    long covered = 0;
    HardState savedState = null;
    // Buggify: report the point after this sync's first append before the whole sync.
    boolean split = buggify.splitReports() > 0 && writesInSync > 1 && random.chance(buggify.splitReports());
    long[] early = null;
    for (int i = 0; i < writesInSync; i++) {
      Write write = pending.pollFirst();
      covered = pendingSequences.pollFirst();
      if (write instanceof Append append) {
        durable.addAll(append.entries());
        if (split && early == null && !logChanged && i + 1 < writesInSync && durable.lastIndex() > 0) {
          early = new long[] {covered, durable.lastIndex(), durable.termAt(durable.lastIndex())};
        }
        logChanged = true;
      } else if (write instanceof Truncate truncate) {
        durable.truncate(truncate.fromIndex());
      } else if (write instanceof Compact compact) {
        durable.compact(compact.index(), compact.term(), compact.startHash());
      } else if (write instanceof SaveHardState save) {
        durableHardState = save.state();
        savedState = save.state();
      }
    }
    writesInSync = 0;
    startSyncIfNeeded();
    if (early != null) {
      listener.logDurable(early[0], early[1], early[2]);
    }
    if (savedState != null) {
      listener.hardStateDurable(savedState);
    }
    if (logChanged && durable.lastIndex() > 0) {
      listener.logDurable(covered, durable.lastIndex(), durable.termAt(durable.lastIndex()));
      if (buggify.repeatReports() > 0 && random.chance(buggify.repeatReports())) {
        listener.logDurable(covered, durable.lastIndex(), durable.termAt(durable.lastIndex()));
      }
    }
  }

  /** The rare, legal ways of reporting this disk may take. */
  void buggify(FaultSchedule.Buggify newBuggify) {
    this.buggify = newBuggify;
  }

  /**
   * The machine crashes: the page cache is lost. What was reported durable survives; with
   * {@code tear}, so does a random prefix of the later log writes (the last append perhaps only in
   * part) and a random one of the hard states saved since.
   */
  void crash(boolean tear) {
    List<Write> unsynced = new ArrayList<>(pending);
    pending.clear();
    pendingSequences.clear();
    writesInSync = 0;
    syncDoneNanos = Long.MAX_VALUE;
    failNextSync = false;
    failed = false;
    if (tear) {
      keepRandomPrefixOf(unsynced);
    }
    writesLostInCrashes += Math.max(0, visible.lastIndex() - durable.lastIndex()) + (hardState.equals(durableHardState) ? 0 : 1);
    visible.copyFrom(durable);
    hardState = durableHardState;
    lowestAppendedIndex = Long.MAX_VALUE;
  }

  private void keepRandomPrefixOf(List<Write> unsynced) {
    List<Write> logWrites = new ArrayList<>();
    List<HardState> states = new ArrayList<>();
    for (Write write : unsynced) {
      if (write instanceof SaveHardState save) {
        states.add(save.state());
      } else {
        logWrites.add(write);
      }
    }
    int kept = (int) random.nextLong(logWrites.size() + 1);
    for (int i = 0; i < kept; i++) {
      Write write = logWrites.get(i);
      if (write instanceof Append append) {
        List<LogEntry> entries = append.entries();
        int survive = i == kept - 1 ? (int) random.nextLong(entries.size() + 1) : entries.size();
        durable.addAll(entries.subList(0, survive));
      } else if (write instanceof Truncate truncate) {
        durable.truncate(truncate.fromIndex());
      } else if (write instanceof Compact compact) {
        durable.compact(compact.index(), compact.term(), compact.startHash());
      }
    }
    int state = (int) random.nextLong(states.size() + 1);
    if (state > 0) {
      durableHardState = states.get(state - 1);
    }
  }

  /** The next fsync fails with an I/O error. */
  void failNextSync() {
    failNextSync = true;
  }

  /** Fsyncs take {@code factor} times longer until {@code untilNanos}. */
  void slowDown(double factor, long untilNanos) {
    this.slowFactor = factor;
    this.slowUntilNanos = untilNanos;
  }

  /** The heal: fsyncs return to their normal latency, and an injected error not yet struck is cancelled. */
  void heal() {
    this.slowUntilNanos = 0;
    this.failNextSync = false;
  }

  /** Whether an injected I/O error has failed this disk (until the node restarts). */
  public boolean failed() {
    return failed;
  }

  // ---------------------------------------------------------------- for the checkers

  /**
   * How many unsynced writes crashes have lost on this disk: entries the log held beyond what
   * survived, and hard states that did not survive.
   */
  public long writesLostInCrashes() {
    return writesLostInCrashes;
  }

  /** How many suffix truncations removed entries from the visible log. */
  public long truncations() {
    return truncations;
  }

  /** The lowest index appended since the last call, or {@link Long#MAX_VALUE}; resets it. */
  public long takeLowestAppendedIndex() {
    long lowest = lowestAppendedIndex;
    lowestAppendedIndex = Long.MAX_VALUE;
    return lowest;
  }

  /**
   * The hash of the visible log's entries 1 to {@code index}; 0 for index 0. Below the log's start
   * (compacted, so committed), the committed log's.
   */
  public long prefixHash(long index) {
    return index < visible.startIndex() ? committedPrefix.hashAt(index) : visible.prefixHash(index);
  }

  /** Tells the disk what the checkers know of the committed log, and whose disk it is. */
  void committedPrefix(CommittedPrefix prefix, String node) {
    this.committedPrefix = prefix;
    this.owner = node;
  }

  /** The index of the last durable entry. */
  public long durableLastIndex() {
    return durable.lastIndex();
  }

  /** The hash of the durable log's entries 1 to {@code index}; 0 for index 0; below its start, the committed log's. */
  public long durablePrefixHash(long index) {
    return index < durable.startIndex() ? committedPrefix.hashAt(index) : durable.prefixHash(index);
  }

  /** The hard state that would survive a crash now. */
  public HardState durableHardState() {
    return durableHardState;
  }

  private long writeLog(Write write) {
    sequence++;
    write(write);
    return sequence;
  }

  private void write(Write write) {
    pending.addLast(write);
    pendingSequences.addLast(sequence);
    startSyncIfNeeded();
  }

  private void startSyncIfNeeded() {
    if (syncDoneNanos != Long.MAX_VALUE || pending.isEmpty()) {
      return;
    }
    long now = clockNanos.getAsLong();
    double latency = fsyncLatencyNanos * random.between(0.5, 1.5);
    if (now < slowUntilNanos) {
      latency *= slowFactor;
    }
    writesInSync = pending.size();
    syncDoneNanos = now + Math.max(1, (long) latency);
  }

  private void checkWritable() {
    if (failed) {
      throw new IllegalStateException("the disk failed an fsync; restart the node");
    }
  }
}

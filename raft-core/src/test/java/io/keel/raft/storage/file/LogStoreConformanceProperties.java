package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.LogStore;
import io.keel.raft.NodeId;
import io.keel.raft.storage.InMemoryLogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The {@link LogStore} contract, checked the same way on the in-memory and the file store: random
 * sequences of appends, truncations, compactions, hard-state saves, reopens and (in memory)
 * crashes, compared after every step with a plain model, and the durability reports checked for
 * order and truth.
 */
class LogStoreConformanceProperties {

  /** One step of a sequence; its numbers are read relative to the log at that moment. */
  record Action(Kind kind, int count, int bump, int permille) {
    enum Kind { APPEND, TRUNCATE, COMPACT_MATCHING, COMPACT_MISMATCHING, COMPACT_BEYOND, SAVE_HARD_STATE, REOPEN, CRASH }
  }

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Action.Kind> kinds = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, Arbitraries.just(Action.Kind.APPEND)),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(Action.Kind.TRUNCATE)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(Action.Kind.COMPACT_MATCHING)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Action.Kind.COMPACT_MISMATCHING)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Action.Kind.COMPACT_BEYOND)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(Action.Kind.SAVE_HARD_STATE)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(Action.Kind.REOPEN)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Action.Kind.CRASH)));
    Arbitrary<Action> action = net.jqwik.api.Combinators.combine(kinds, Arbitraries.integers().between(1, 12),
        Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 1000)).as(Action::new);
    return action.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 400)
  void inMemoryStoreFollowsTheModel(@ForAll("actions") List<Action> actions) throws IOException {
    try (Harness harness = new InMemoryHarness()) {
      run(harness, actions);
    }
  }

  @Property(tries = 150)
  void fileStoreFollowsTheModel(@ForAll("actions") List<Action> actions, @ForAll SyncPolicy syncPolicy,
      @ForAll boolean cacheNothing) throws IOException {
    FileLogStoreOptions options = FileLogStoreOptions.defaults().withSegmentSizeBytes(1024)
        .withCacheBytes(cacheNothing ? 0 : 1 << 20).withSyncPolicy(syncPolicy);
    try (Harness harness = new FileHarness(Files.createTempDirectory("keel-conformance"), options)) {
      run(harness, actions);
    }
  }

  // ---------------------------------------------------------------- the run

  private static void run(Harness harness, List<Action> actions) throws IOException {
    Model model = new Model();
    Model durable = model.copy();
    List<Model> states = new ArrayList<>();
    List<HardState> saves = new ArrayList<>();
    int lastAppendState = -1;
    for (Action action : actions) {
      LogStore store = harness.store();
      switch (action.kind()) {
        case APPEND -> {
          List<LogEntry> entries = model.nextEntries(action.count(), action.bump(), action.permille());
          store.append(entries);
          model.entries.addAll(entries);
          states.add(model.copy());
          lastAppendState = states.size() - 1;
        }
        case TRUNCATE -> {
          long from = model.firstIndex() + (long) action.permille() * (model.entries.size() + 1) / 1001;
          store.truncateSuffix(from);
          model.truncate(from);
          states.add(model.copy());
        }
        case COMPACT_MATCHING, COMPACT_MISMATCHING, COMPACT_BEYOND -> {
          long[] target = model.compactionTarget(action);
          store.compactPrefix(target[0], target[1]);
          model.compact(target[0], target[1]);
          states.add(model.copy());
        }
        case SAVE_HARD_STATE -> {
          HardState state = model.nextHardState(action.bump(), action.permille());
          store.saveHardState(state);
          model.hardState = state;
          saves.add(state);
        }
        case REOPEN -> {
          harness.syncAndReopen();
          checkReports(harness, states, lastAppendState, saves);
          states.clear();
          saves.clear();
          lastAppendState = -1;
          durable = model.copy();
        }
        case CRASH -> {
          if (harness.crash()) {
            checkReports(harness, List.of(), -1, List.of());
            states.clear();
            saves.clear();
            lastAppendState = -1;
            model = durable.copy();
          }
        }
        default -> throw new IllegalStateException();
      }
      model.check(harness.store());
    }
  }

  /**
   * The reports made since the last check: each log report names the last entry of the log as it
   * stood after one of the writes since, in write order; the last one covers the last append if
   * its last entry still ends the log (and was not compacted away). Hard
   * states are reported in the order they were saved, ending with the last.
   */
  private static void checkReports(Harness harness, List<Model> states, int lastAppendState, List<HardState> saves) {
    List<long[]> logReports = harness.takeLogReports();
    int position = 0;
    for (long[] report : logReports) {
      while (position < states.size() && !states.get(position).endsAt(report[0], report[1])) {
        position++;
      }
      assertTrue(position < states.size(), "log report " + report[0] + "@" + report[1]
          + " matches no state since the last check, in order");
    }
    if (lastAppendState >= 0) {
      Model lastAppend = states.get(lastAppendState);
      Model last = states.get(states.size() - 1);
      if (!last.entries.isEmpty() && last.endsAt(lastAppend.lastIndex(), lastAppend.term(lastAppend.lastIndex()))) {
        assertTrue(!logReports.isEmpty(), "the last append was not reported durable");
        long[] report = logReports.get(logReports.size() - 1);
        assertTrue(states.subList(lastAppendState, states.size()).stream().anyMatch(state -> state.endsAt(report[0], report[1])),
            "the last report " + report[0] + "@" + report[1] + " does not cover the last append");
      }
    }
    List<HardState> stateReports = harness.takeHardStateReports();
    int savePosition = 0;
    for (HardState report : stateReports) {
      while (savePosition < saves.size() && !saves.get(savePosition).equals(report)) {
        savePosition++;
      }
      assertTrue(savePosition < saves.size(), "hard state report " + report + " out of order");
    }
    if (!saves.isEmpty()) {
      assertEquals(saves.get(saves.size() - 1), stateReports.get(stateReports.size() - 1));
    }
    assertEquals(List.of(), harness.failures());
  }

  // ---------------------------------------------------------------- the model

  /** The log and hard state as the contract says they are: a plain list after a start point. */
  static final class Model {
    long startIndex;
    long startTerm;
    final List<LogEntry> entries = new ArrayList<>();
    HardState hardState = HardState.INITIAL;

    Model copy() {
      Model copy = new Model();
      copy.startIndex = startIndex;
      copy.startTerm = startTerm;
      copy.entries.addAll(entries);
      copy.hardState = hardState;
      return copy;
    }

    long firstIndex() {
      return startIndex + 1;
    }

    long lastIndex() {
      return startIndex + entries.size();
    }

    long term(long index) {
      return index == startIndex ? startTerm : entries.get((int) (index - startIndex - 1)).term();
    }

    boolean endsAt(long index, long term) {
      return index == lastIndex() && term == term(index);
    }

    List<LogEntry> nextEntries(int count, int bump, int seed) {
      long term = Math.max(1, term(lastIndex())) + bump;
      List<LogEntry> result = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        long index = lastIndex() + 1 + i;
        int size = (int) ((seed * 31L + index * 7) % 90);
        byte[] command = new byte[size];
        for (int b = 0; b < size; b++) {
          command[b] = (byte) (index * 13 + b + term);
        }
        result.add(size % 9 == 0 ? LogEntry.noOp(index, term) : LogEntry.command(index, term, command));
      }
      return result;
    }

    void truncate(long fromIndex) {
      entries.subList((int) (fromIndex - firstIndex()), entries.size()).clear();
    }

    long[] compactionTarget(Action action) {
      long lastTerm = term(lastIndex());
      return switch (action.kind()) {
        case COMPACT_MATCHING -> {
          long index = startIndex + (long) action.permille() * (entries.size() + 1) / 1001;
          yield new long[] {index, term(index)};
        }
        case COMPACT_MISMATCHING -> entries.isEmpty() ? new long[] {lastIndex() + 1, lastTerm + 1}
            : new long[] {firstIndex() + (long) action.permille() * entries.size() / 1001,
                term(firstIndex() + (long) action.permille() * entries.size() / 1001) + 1};
        default -> new long[] {lastIndex() + action.count(), lastTerm + action.bump() + 1};
      };
    }

    void compact(long index, long term) {
      if (index < firstIndex()) {
        return;
      }
      if (index <= lastIndex() && term(index) == term) {
        entries.subList(0, (int) (index - startIndex)).clear();
      } else {
        entries.clear();
      }
      startIndex = index;
      startTerm = term;
    }

    HardState nextHardState(int bump, int permille) {
      long term = Math.max(hardState.term(), term(lastIndex())) + bump;
      if (term == 0) {
        return HardState.INITIAL;
      }
      NodeId vote = term == hardState.term() ? hardState.votedFor() : null;
      if (vote == null && permille % 2 == 0) {
        vote = NodeId.of("n" + permille % 5);
      }
      return new HardState(term, vote);
    }

    void check(LogStore store) {
      assertEquals(firstIndex(), store.firstIndex(), "first index");
      assertEquals(lastIndex(), store.lastIndex(), "last index");
      assertEquals(hardState, store.hardState(), "hard state");
      for (long index = startIndex; index <= lastIndex(); index++) {
        assertEquals(term(index), store.term(index), "term of " + index);
      }
      assertEquals(entries, store.entries(firstIndex(), lastIndex() + 1, Long.MAX_VALUE), "entries");
      if (!entries.isEmpty()) {
        long budget = entries.get(0).sizeBytes() + 30;
        List<LogEntry> limited = store.entries(firstIndex(), lastIndex() + 1, budget);
        long bytes = limited.stream().mapToLong(LogEntry::sizeBytes).sum();
        assertTrue(limited.size() == 1 || bytes <= budget, "byte budget");
        assertEquals(entries.subList(0, limited.size()), limited);
        assertTrue(limited.size() == entries.size() || bytes + entries.get(limited.size()).sizeBytes() > budget,
            "stops only when the next entry would exceed the budget");
      }
    }
  }

  // ---------------------------------------------------------------- the two stores

  private abstract static class Harness implements DurabilityListener, AutoCloseable {
    private final List<long[]> logReports = new ArrayList<>();
    private final List<HardState> hardStateReports = new ArrayList<>();
    private final List<Exception> failures = new ArrayList<>();

    abstract LogStore store();

    /** Makes everything durable, then starts the store afresh from what is durable. */
    abstract void syncAndReopen() throws IOException;

    /** Loses what is not durable, if this store can simulate that; false if it cannot. */
    abstract boolean crash();

    @Override
    public synchronized void logDurable(long sequence, long index, long term) {
      logReports.add(new long[] {index, term});
    }

    @Override
    public synchronized void hardStateDurable(HardState state) {
      hardStateReports.add(state);
    }

    @Override
    public synchronized void storageFailed(Exception cause) {
      failures.add(cause);
    }

    synchronized List<long[]> takeLogReports() {
      List<long[]> taken = List.copyOf(logReports);
      logReports.clear();
      return taken;
    }

    synchronized List<HardState> takeHardStateReports() {
      List<HardState> taken = List.copyOf(hardStateReports);
      hardStateReports.clear();
      return taken;
    }

    synchronized List<Exception> failures() {
      return List.copyOf(failures);
    }

    @Override
    public abstract void close() throws IOException;
  }

  private static final class InMemoryHarness extends Harness {
    private final InMemoryLogStore store = new InMemoryLogStore(this, () -> 0L, 0);

    @Override
    LogStore store() {
      return store;
    }

    @Override
    void syncAndReopen() {
      store.reportAllDurable();
      store.crash();
    }

    @Override
    boolean crash() {
      store.crash();
      return true;
    }

    @Override
    public void close() {}
  }

  private static final class FileHarness extends Harness {
    private final Path dir;
    private final FileLogStoreOptions options;
    private FileLogStore store;

    FileHarness(Path dir, FileLogStoreOptions options) throws IOException {
      this.dir = dir;
      this.options = options;
      this.store = FileLogStore.open(dir, options, this);
    }

    @Override
    LogStore store() {
      return store;
    }

    @Override
    void syncAndReopen() throws IOException {
      store.close();
      store = FileLogStore.open(dir, options, this);
      assertEquals(List.of(), store.recoveryNotes(), "a clean close leaves nothing to repair");
    }

    @Override
    boolean crash() {
      return false;
    }

    @Override
    public void close() throws IOException {
      store.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }
}

package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.storage.file.LogStoreConformanceProperties.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Every crash point of the writes that keep the manifest true opens correctly. A scripted
 * workload (rollovers, hard-state saves, truncations, compactions, one of which discards the whole
 * log) is run once for each write and each fsync it makes, with that one failing: a write puts
 * half its bytes down and fails, a force fails, and the store stops there, as a process killed at
 * that point would (what it wrote stays in the page cache). The directory must then open, never be
 * refused, and hold everything acknowledged before the failing step, and otherwise only what that
 * step was writing.
 */
class CrashPointTest {

  private static final FileLogStoreOptions OPTIONS = FileLogStoreOptions.defaults().withSegmentSizeBytes(1024);
  private static final HardState TERM_2 = new HardState(2, NodeId.of("n1"));
  private static final HardState TERM_4 = new HardState(4, NodeId.of("n2"));

  /** What a step of the script acts on: a store and a model, or a model alone. */
  private interface Target {
    void append(List<LogEntry> entries);

    void truncateSuffix(long fromIndex);

    void compactPrefix(long index, long term);

    void saveHardState(HardState state);

    /** Waits until the store reported {@code index}@{@code term} durable; false if it failed instead. */
    boolean awaitLog(long index, long term) throws InterruptedException;

    /** Waits until the store reported {@code state} durable; false if it failed instead. */
    boolean awaitHardState(HardState state) throws InterruptedException;
  }

  /** One step of the script; false if the store failed during it. */
  @FunctionalInterface
  private interface Step {
    boolean run(Target target) throws InterruptedException;
  }

  /** Each step ends with a report no earlier step made, so that waiting for it cannot be fooled. */
  private static final List<Step> SCRIPT = List.of(
      append(1, 10, 1), append(11, 20, 1), append(21, 30, 1),
      save(TERM_2),
      append(31, 38, 2), append(39, 45, 2),
      target -> {
        target.truncateSuffix(40);
        return append(40, 50, 3).run(target);
      },
      target -> {
        target.compactPrefix(20, 1);
        return append(51, 60, 3).run(target);
      },
      target -> {
        target.compactPrefix(70, 4);
        return append(71, 80, 4).run(target);
      },
      save(TERM_4),
      target -> {
        target.truncateSuffix(75);
        return append(75, 78, 5).run(target);
      });

  private static Step append(long from, long to, long term) {
    return target -> {
      target.append(LongStream.rangeClosed(from, to).mapToObj(index -> entry(index, term)).toList());
      return target.awaitLog(to, term);
    };
  }

  /** An entry whose record takes 100 bytes: a 1 KiB segment holds 9, and the script rolls over often. */
  private static LogEntry entry(long index, long term) {
    byte[] command = new byte[71];
    Arrays.fill(command, (byte) (index * 31 + term));
    return LogEntry.command(index, term, command);
  }

  private static Step save(HardState state) {
    return target -> {
      target.saveHardState(state);
      return target.awaitHardState(state);
    };
  }

  /** The model alone: what the log and hard state are after each step. */
  private record ModelTarget(Model model) implements Target {
    @Override
    public void append(List<LogEntry> entries) {
      model.entries.addAll(entries);
    }

    @Override
    public void truncateSuffix(long fromIndex) {
      model.truncate(fromIndex);
    }

    @Override
    public void compactPrefix(long index, long term) {
      model.compact(index, term);
    }

    @Override
    public void saveHardState(HardState state) {
      model.hardState = state;
    }

    @Override
    public boolean awaitLog(long index, long term) {
      return true;
    }

    @Override
    public boolean awaitHardState(HardState state) {
      return true;
    }
  }

  /** The store. */
  private record StoreTarget(FileLogStore store, RecordingListener listener) implements Target {
    @Override
    public void append(List<LogEntry> entries) {
      store.append(entries);
    }

    @Override
    public void truncateSuffix(long fromIndex) {
      store.truncateSuffix(fromIndex);
    }

    @Override
    public void compactPrefix(long index, long term) {
      store.compactPrefix(index, term);
    }

    @Override
    public void saveHardState(HardState state) {
      store.saveHardState(state);
    }

    @Override
    public boolean awaitLog(long index, long term) throws InterruptedException {
      return listener.awaitLogDurableOrFailure(index, term);
    }

    @Override
    public boolean awaitHardState(HardState state) throws InterruptedException {
      return listener.awaitHardStateDurableOrFailure(state);
    }
  }

  @Test
  void aCrashAtAnyWriteOrSyncOpensWithEverythingAcknowledged() throws Exception {
    FailingFileIo counting = new FailingFileIo(0, 0);
    Path dir = Files.createTempDirectory("keel-crash-point");
    try {
      assertEquals(SCRIPT.size(), runScript(dir, counting), "the script runs whole without failures");
    } finally {
      LogDirectories.deleteRecursively(dir);
    }
    assertTrue(counting.writes() > 35 && counting.forces() > 60, "the script writes and syncs enough to test: "
        + counting.writes() + " writes, " + counting.forces() + " forces");
    for (int write = 1; write <= counting.writes(); write++) {
      crashAt(new FailingFileIo(write, 0), "write " + write);
    }
    for (int force = 1; force <= counting.forces(); force++) {
      crashAt(new FailingFileIo(0, force), "force " + force);
    }
  }

  /** Runs the script with {@code io} until it fails; returns the number of steps that completed. */
  private static int runScript(Path dir, FailingFileIo io) throws Exception {
    RecordingListener listener = new RecordingListener();
    int completed = 0;
    try (FileLogStore store = FileLogStore.open(dir, OPTIONS.withFileIo(io), listener)) {
      Target target = new StoreTarget(store, listener);
      while (completed < SCRIPT.size() && runOrFail(SCRIPT.get(completed), target)) {
        completed++;
      }
    }
    return completed;
  }

  /** Runs a step; false if the store failed before or during it (a write to a failed store throws). */
  private static boolean runOrFail(Step step, Target target) throws InterruptedException {
    try {
      return step.run(target);
    } catch (LogStoreFailedException e) {
      return false;
    }
  }

  private static void crashAt(FailingFileIo io, String where) throws Exception {
    Path dir = Files.createTempDirectory("keel-crash-point");
    try {
      int completed;
      try {
        completed = runScript(dir, io);
      } catch (IOException e) {
        return; // the failure hit the creation of the store, before anything was acknowledged
      }
      Model before = new Model();
      Model after = new Model();
      for (int step = 0; step <= completed && step < SCRIPT.size(); step++) {
        if (step < completed) {
          SCRIPT.get(step).run(new ModelTarget(before));
        }
        SCRIPT.get(step).run(new ModelTarget(after));
      }
      try (FileLogStore store = FileLogStore.open(dir, OPTIONS, new RecordingListener())) {
        checkBetween(store, before, after, "after a failed " + where + " in step " + completed + " ("
            + store.recoveryNotes() + ")");
      }
    } finally {
      LogDirectories.deleteRecursively(dir);
    }
  }

  /**
   * The reopened log and hard state are those before the failed step or after it, or, entry by
   * entry, a mix that a partly done step leaves: every entry both states agree on is there, and
   * every entry there is one of theirs.
   */
  private static void checkBetween(FileLogStore store, Model before, Model after, String where) {
    assertTrue(store.hardState().equals(before.hardState) || store.hardState().equals(after.hardState),
        "hard state " + store.hardState() + " " + where);
    assertTrue(store.firstIndex() == before.firstIndex() || store.firstIndex() == after.firstIndex(),
        "first index " + store.firstIndex() + " " + where);
    for (long index = Math.max(before.firstIndex(), after.firstIndex()); index <= Math.min(before.lastIndex(),
        after.lastIndex()) && before.term(index) == after.term(index); index++) {
      assertTrue(store.lastIndex() >= index, "acknowledged entry " + index + " lost " + where);
    }
    for (long index = store.firstIndex(); index <= store.lastIndex(); index++) {
      LogEntry entry = store.entry(index);
      assertTrue(entryOf(before, index, entry) || entryOf(after, index, entry), "entry " + entry + " " + where);
    }
  }

  private static boolean entryOf(Model model, long index, LogEntry entry) {
    return index >= model.firstIndex() && index <= model.lastIndex()
        && model.entries.get((int) (index - model.firstIndex())).equals(entry);
  }
}

package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.storage.file.LogStoreConformanceProperties.Action;
import io.keel.raft.storage.file.LogStoreConformanceProperties.Model;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * A damaged directory never opens as clean. A real directory is written through
 * {@link FileLogStore} (appends, truncations, compactions, hard-state saves, reopens) and closed,
 * which makes every write durable and reported; then files are deleted, renamed, duplicated, cut
 * short, added or overwritten. Opening must then either refuse with a {@link CorruptLogException}
 * (or an {@link IOException} with a message), or hold every entry and the hard state that were
 * reported durable, unchanged. The inspector must agree and never fail with a stack trace.
 *
 * <p>One directory is indistinguishable from a new one and opens as new: nothing left but
 * {@code *.tmp} files and an empty lock file (what a crash while creating a store leaves).
 *
 * <p>Each try writes and fsyncs a real directory, so the properties take 30 and 20 percent of the
 * project's default tries (300 and 200 of its 1,000); a soak that raises the default raises them:
 * {@code ./mvnw -pl raft-core test -Dtest=DamagedDirectoryProperties -Djqwik.tries.default=20000}.
 */
class DamagedDirectoryProperties {

  /**
   * One change to the directory; its numbers pick the file, the new name, the offset and the bytes.
   * {@code CUT_LAST_SEGMENT} cuts the segment with the highest base index, where a torn write lies.
   */
  record Damage(Kind kind, int file, int name, int permille, long seed) {
    enum Kind { DELETE, RENAME, DUPLICATE, CUT, CUT_LAST_SEGMENT, ADD }
  }

  @Provide
  Arbitrary<List<Action>> writes() {
    Arbitrary<Action.Kind> kinds = Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.just(Action.Kind.APPEND)),
        Tuple.of(2, Arbitraries.just(Action.Kind.TRUNCATE)),
        Tuple.of(2, Arbitraries.just(Action.Kind.COMPACT_MATCHING)),
        Tuple.of(1, Arbitraries.just(Action.Kind.COMPACT_MISMATCHING)),
        Tuple.of(1, Arbitraries.just(Action.Kind.COMPACT_BEYOND)),
        Tuple.of(2, Arbitraries.just(Action.Kind.SAVE_HARD_STATE)),
        Tuple.of(1, Arbitraries.just(Action.Kind.REOPEN)));
    return Combinators.combine(kinds, Arbitraries.integers().between(1, 20), Arbitraries.integers().between(0, 1),
        Arbitraries.integers().between(0, 1000)).as(Action::new).list().ofMinSize(0).ofMaxSize(30);
  }

  @Provide
  Arbitrary<List<Damage>> damages() {
    Arbitrary<Damage> damage = Combinators.combine(Arbitraries.of(Damage.Kind.class),
        Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(0, 1000),
        Arbitraries.integers().between(0, 1000), Arbitraries.longs()).as(Damage::new);
    return damage.list().ofMinSize(1).ofMaxSize(3);
  }

  @Property
  @ShareOfDefaultTries(percent = 30)
  void aDamagedDirectoryIsRefusedOrLosesNothingDurable(@ForAll("writes") List<Action> writes,
      @ForAll("damages") List<Damage> damages) throws IOException {
    damageAndCheck(writes, damages, false);
  }

  /**
   * The same after a crash instead of a close: the manifest records the log durable only as far
   * as the last rollover, truncation, compaction or hard-state save. Entries after that index in
   * the newest segment are what a torn write may take, so they may be lost if that file's bytes
   * were damaged, and only then; deleting it is still refused.
   */
  @Property
  @ShareOfDefaultTries(percent = 20)
  void aDamagedCrashImageIsRefusedOrLosesOnlyWhatATornWriteMay(@ForAll("writes") List<Action> writes,
      @ForAll("damages") List<Damage> damages) throws IOException {
    damageAndCheck(writes, damages, true);
  }

  private static void damageAndCheck(List<Action> writes, List<Damage> damages, boolean crash) throws IOException {
    Path dir = Files.createTempDirectory("keel-damaged");
    try {
      Model durable = write(dir, writes, crash);
      Manifest recorded = Manifest.read(dir.resolve(Manifest.FILE_NAME));
      if (!crash) {
        assertEquals(durable.lastIndex(), recorded.durableIndex(), "closing records the whole log durable");
      }
      String newest = recorded.newestSegment() == 0 ? "" : SegmentFormat.fileName(recorded.newestSegment());
      boolean newestDamaged = false;
      List<String> done = new ArrayList<>();
      for (Damage damage : damages) {
        DirectoryDamage.Done applied = DirectoryDamage.apply(dir, damage);
        done.add(applied.what());
        newestDamaged |= applied.changed().equals(newest);
      }
      long mustHold = newestDamaged ? recorded.durableIndex() : durable.lastIndex();
      String outcome = check(dir, durable, mustHold, "after " + done + " on a log of " + durable.firstIndex()
          + ".." + durable.lastIndex() + " (" + durable.hardState + "; " + recorded + ")");
      Statistics.label("outcome").collect(outcome);
    } finally {
      LogDirectories.deleteRecursively(dir);
    }
  }

  // ---------------------------------------------------------------- writing

  /**
   * Writes {@code writes} through a store and returns the log and hard state it reported durable.
   * The store is closed, or, for a {@code crash}, {@code dir} is left as a crash leaves it: a copy
   * taken once six more entries, of a term never used before, are reported durable (a report that
   * can only follow every earlier write).
   */
  private static Model write(Path dir, List<Action> writes, boolean crash) throws IOException {
    Path origin = crash ? Files.createTempDirectory("keel-damaged-origin") : dir;
    FileLogStoreOptions options = FileLogStoreOptions.defaults().withSegmentSizeBytes(1024).withCacheBytes(0);
    Reports reports = new Reports();
    Model model = new Model();
    boolean endAppended = false;
    long highestTerm = 0;
    FileLogStore store = FileLogStore.open(origin, options, reports);
    try {
      for (Action write : writes) {
        endAppended = write.kind() == Action.Kind.APPEND || (endAppended && write.kind() != Action.Kind.TRUNCATE
            && !write.kind().name().startsWith("COMPACT"));
        if (write.kind() == Action.Kind.REOPEN) {
          store.close();
          store = FileLogStore.open(origin, options, reports);
        } else {
          apply(store, model, write);
          highestTerm = Math.max(highestTerm, model.term(model.lastIndex()));
        }
      }
      if (crash) {
        long term = highestTerm + 1;
        List<LogEntry> entries = LongStream.rangeClosed(model.lastIndex() + 1, model.lastIndex() + 6)
            .mapToObj(index -> LogEntry.command(index, term, new byte[] {(byte) index})).toList();
        store.append(entries);
        model.entries.addAll(entries);
        reports.awaitLog(model.lastIndex(), term);
        reports.check(model, true);
        for (String name : LogDirectories.names(origin)) {
          Files.copy(origin.resolve(name), dir.resolve(name));
        }
      }
    } finally {
      store.close();
      if (crash) {
        LogDirectories.deleteRecursively(origin);
      }
    }
    reports.check(model, endAppended);
    return model;
  }

  private static void apply(FileLogStore store, Model model, Action write) {
    switch (write.kind()) {
      case APPEND -> {
        var entries = model.nextEntries(write.count(), write.bump(), write.permille());
        store.append(entries);
        model.entries.addAll(entries);
      }
      case TRUNCATE -> {
        long from = model.firstIndex() + (long) write.permille() * (model.entries.size() + 1) / 1001;
        store.truncateSuffix(from);
        model.truncate(from);
      }
      case SAVE_HARD_STATE -> {
        model.hardState = model.nextHardState(write.bump(), write.permille());
        store.saveHardState(model.hardState);
      }
      default -> {
        long[] target = model.compactionTarget(write);
        store.compactPrefix(target[0], target[1]);
        model.compact(target[0], target[1]);
      }
    }
  }

  /**
   * The store's last reports. After a close the last hard state reported is the last saved, and if
   * the last write to the log was an append, the last log report is its last entry. (That every
   * report is true and in write order is {@link LogStoreConformanceProperties}' to check.)
   */
  private static final class Reports implements DurabilityListener {
    private long lastIndex;
    private long lastTerm;
    private HardState lastHardState = HardState.INITIAL;
    private final List<Exception> failures = new ArrayList<>();

    @Override
    public synchronized void logDurable(long sequence, long index, long term) {
      lastIndex = index;
      lastTerm = term;
      notifyAll();
    }

    @Override
    public synchronized void hardStateDurable(HardState state) {
      lastHardState = state;
    }

    @Override
    public synchronized void storageFailed(Exception cause) {
      failures.add(cause);
    }

    /** Waits, with a bound, until {@code index}@{@code term} is the last log report. */
    synchronized void awaitLog(long index, long term) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (lastIndex != index || lastTerm != term) {
        long left = deadline - System.nanoTime();
        assertTrue(left > 0, "timed out waiting for " + index + "@" + term + " to be reported durable");
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }

    synchronized void check(Model model, boolean endAppended) {
      assertEquals(List.of(), failures);
      assertEquals(model.hardState, lastHardState, "the last hard state reported durable");
      if (endAppended) {
        assertEquals(model.lastIndex() + "@" + model.term(model.lastIndex()), lastIndex + "@" + lastTerm,
            "the last entry appended was reported durable");
      }
    }
  }

  // ---------------------------------------------------------------- the oracle

  /** Opens the damaged directory and checks the outcome; returns it, for the statistics. */
  private static String check(Path dir, Model durable, long mustHold, String what) throws IOException {
    String[] inspection = inspect(dir, what);
    boolean pristine = looksNew(dir);
    FileLogStore store;
    try {
      store = FileLogStore.open(dir, FileLogStoreOptions.defaults().withSegmentSizeBytes(1024),
          new RecordingListener());
    } catch (CorruptLogException refusal) {
      assertTrue(inspection[1].contains("damage (refuses to open): " + refusal.getMessage()), "the inspector "
          + "reports the refusal " + refusal.getMessage() + " " + what + ":\n" + inspection[1]);
      return "refused";
    } catch (IOException refusal) {
      String message = String.valueOf(refusal.getMessage());
      assertTrue(message.contains(" ") && !message.equals(dir.toString()), "a clear message " + what + ": " + refusal);
      return "refused by an I/O error";
    }
    try (store) {
      assertFalse(inspection[1].contains("verdict: CORRUPT"), "the inspector refuses what opens " + what + ":\n"
          + inspection[1]);
      assertEquals(store.recoveryNotes().isEmpty(), inspection[0].equals("0"), "the inspector says clean exactly "
          + "when opening repairs nothing " + what + ": " + store.recoveryNotes() + "\n" + inspection[1]);
      if (pristine) {
        assertEquals(HardState.INITIAL, store.hardState(), what);
        assertEquals(0, store.lastIndex(), what);
        return "opened as new";
      }
      checkHolds(store, durable, mustHold, what);
      boolean repaired = !store.recoveryNotes().isEmpty();
      boolean lost = store.lastIndex() < durable.lastIndex();
      store.close();
      try (FileLogStore reopened = FileLogStore.open(dir, FileLogStoreOptions.defaults(), new RecordingListener())) {
        assertEquals(List.of(), reopened.recoveryNotes(), "a repaired directory opens clean " + what);
        checkHolds(reopened, durable, mustHold, what);
      }
      return lost ? "opened, torn tail cut" : repaired ? "opened, repaired" : "opened";
    }
  }

  /**
   * {@code store} holds the durable log, unchanged, at least up to {@code mustHold} (and nothing
   * that was not in it), and the durable hard state or a later one.
   */
  private static void checkHolds(FileLogStore store, Model durable, long mustHold, String what) {
    assertEquals(durable.firstIndex(), store.firstIndex(), "first index " + what);
    assertTrue(store.lastIndex() >= mustHold && store.lastIndex() <= durable.lastIndex(), "last index "
        + store.lastIndex() + " in " + mustHold + ".." + durable.lastIndex() + " " + what);
    assertEquals(durable.startTerm, store.term(durable.startIndex), "term at the log start " + what);
    assertEquals(durable.entries.subList(0, (int) (store.lastIndex() - durable.startIndex)),
        store.entries(durable.firstIndex(), store.lastIndex() + 1, Long.MAX_VALUE),
        "the entries reported durable " + what);
    assertTrue(store.hardState().covers(durable.hardState), "hard state " + store.hardState() + " is older than "
        + durable.hardState + " " + what);
  }

  /** Whether {@code dir} holds nothing but {@code *.tmp} files and an empty lock file, as a new one may. */
  private static boolean looksNew(Path dir) throws IOException {
    for (String name : LogDirectories.names(dir)) {
      boolean emptyLock = name.equals(DirectoryLock.FILE_NAME) && Files.size(dir.resolve(name)) == 0;
      if (!name.endsWith(".tmp") && !emptyLock) {
        return false;
      }
    }
    return true;
  }

  /** Runs the inspector; it must exit 0 or 1 with a verdict and nothing on stderr. Returns {exit, report}. */
  private static String[] inspect(Path dir, String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = LogInspector.run(new String[] {"inspect", dir.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String report = out.toString(StandardCharsets.UTF_8);
    assertEquals("", err.toString(StandardCharsets.UTF_8), "the inspector's stderr " + what);
    assertTrue(exit == 0 || exit == 1, "exit " + exit + " " + what);
    assertEquals(exit == 1, !report.contains("verdict: clean"), "exit code and verdict agree " + what + ":\n" + report);
    return new String[] {Integer.toString(exit), report};
  }

  // ---------------------------------------------------------------- the damage

  /** Applies a {@link Damage} to a directory. */
  static final class DirectoryDamage {

    private DirectoryDamage() {}

    /** What a damage did, and the file whose bytes it changed ("" if none: a deletion or nothing). */
    record Done(String what, String changed) {}

    /** Applies {@code damage} to {@code dir}. */
    static Done apply(Path dir, Damage damage) throws IOException {
      List<String> names = LogDirectories.names(dir);
      Random random = new Random(damage.seed());
      if (names.isEmpty() || damage.kind() == Damage.Kind.ADD) {
        String name = newName(names, damage.name(), random);
        byte[] content = content(name, random);
        Files.write(dir.resolve(name), content);
        return new Done("wrote " + content.length + " bytes to " + name, name);
      }
      List<String> segments = names.stream().filter(SegmentFormat::looksLikeSegment).toList();
      String name = damage.kind() == Damage.Kind.CUT_LAST_SEGMENT && !segments.isEmpty()
          ? segments.get(segments.size() - 1) : names.get(damage.file() % names.size());
      Path file = dir.resolve(name);
      switch (damage.kind()) {
        case DELETE -> {
          Files.delete(file);
          return new Done("deleted " + name, "");
        }
        case CUT, CUT_LAST_SEGMENT -> {
          long size = Files.size(file);
          long cut = size * damage.permille() / 1000;
          LogDirectories.truncate(file, cut);
          return new Done("cut " + name + " from " + size + " to " + cut + " bytes", name);
        }
        default -> {
          String target = newName(names, damage.name(), random);
          if (target.equals(name)) {
            return new Done("left " + name + " in place", "");
          }
          if (damage.kind() == Damage.Kind.RENAME) {
            Files.move(file, dir.resolve(target), StandardCopyOption.REPLACE_EXISTING);
            return new Done("renamed " + name + " to " + target, target);
          }
          Files.copy(file, dir.resolve(target), StandardCopyOption.REPLACE_EXISTING);
          return new Done("copied " + name + " to " + target, target);
        }
      }
    }

    /** A name for a new or renamed file: near the segments' names, of the store's own files, or stray. */
    private static String newName(List<String> names, int choice, Random random) {
      List<Long> bases = names.stream().filter(name -> SegmentFormat.baseIndexOf(name) > 0)
          .map(SegmentFormat::baseIndexOf).toList();
      return switch (choice % 11) {
        case 0, 1 -> SegmentFormat.fileName(bases.isEmpty() ? 1 + random.nextInt(200)
            : Math.max(1, bases.get(random.nextInt(bases.size())) + random.nextInt(5) - 2));
        case 2 -> SegmentFormat.fileName(1 + random.nextInt(300));
        case 3 -> "segment-99999999999999999999.log";
        case 4 -> "segment-" + random.nextInt(1000) + ".log";
        case 5 -> "stray-" + random.nextInt(1000);
        case 6 -> (random.nextBoolean() ? "manifest" : "junk-" + random.nextInt(10)) + ".tmp";
        case 7 -> Manifest.FILE_NAME;
        case 8 -> DirectoryLock.FILE_NAME;
        case 9 -> MetaFiles.HARD_STATE;
        default -> MetaFiles.LOG_START;
      };
    }

    /** Bytes for a new file: none, random, zeroes, or a valid segment header for the name's base index. */
    private static byte[] content(String name, Random random) {
      return switch (random.nextInt(4)) {
        case 0 -> new byte[0];
        case 1 -> {
          byte[] bytes = new byte[1 + random.nextInt(200)];
          random.nextBytes(bytes);
          yield bytes;
        }
        case 2 -> new byte[1 + random.nextInt(100)];
        default -> SegmentFormat.baseIndexOf(name) > 0
            ? SegmentFormat.encodeHeader(SegmentFormat.baseIndexOf(name), random.nextInt(4)).array()
            : new byte[] {1, 2, 3};
      };
    }
  }
}

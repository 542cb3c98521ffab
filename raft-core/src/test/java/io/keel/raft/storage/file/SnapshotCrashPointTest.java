package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.keel.raft.NodeId;
import io.keel.raft.snapshot.Payloads;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import io.keel.raft.snapshot.SnapshotSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A crash at every step of taking, receiving and resuming a snapshot (each write, force, truncation,
 * rename and deletion, through a {@link CrashingFileIo}) leaves a directory that opens, holding the
 * previous snapshot or the new one, never neither and never a damaged one; and a part received
 * before the crash resumes at least where its last completed sync left it. Each crash point is run
 * twice: as a killed process leaves the directory (the page cache survives), and as a power loss
 * leaves it (only what was forced survives).
 */
class SnapshotCrashPointTest {

  private static final FileSnapshotStoreOptions OPTIONS = FileSnapshotStoreOptions.defaults()
      .withBufferBytes(FileSnapshotStoreOptions.MIN_BUFFER_BYTES);
  private static final List<NodeId> VOTERS = List.of(NodeId.of("n1"), NodeId.of("n2"));
  private static final SnapshotMeta OLD = new SnapshotMeta(10, 2, VOTERS);
  private static final SnapshotMeta NEW = new SnapshotMeta(20, 3, VOTERS);
  private static final long OLD_SEED = 1;
  private static final long NEW_SEED = 2;
  private static final long OLD_BYTES = 5_000;
  /** Three buffers and a bit: several writes. */
  private static final long NEW_BYTES = 3 * FileSnapshotStoreOptions.MIN_BUFFER_BYTES + 123;
  private static final long NEW_CRC = Payloads.crc(NEW_SEED, NEW_BYTES);
  private static final int CHUNK_BYTES = 5_000;

  private enum Crash { KILL, POWER_LOSS }

  /** What the scenario had done when it crashed: its last sync that returned, and its finish, if it returned. */
  private static final class Done {
    long synced;
    SnapshotInfo finished;
  }

  @FunctionalInterface
  private interface Scenario {
    void run(FileSnapshotStore store, Done done) throws IOException;
  }

  private Path empty;
  private Path withOld;
  private Path withOldAndPart;

  @BeforeEach
  void makeDirectories() throws IOException {
    empty = Files.createTempDirectory("keel-snapshot-crash");
    withOld = Files.createTempDirectory("keel-snapshot-crash");
    try (FileSnapshotStore store = FileSnapshotStore.open(withOld, OPTIONS)) {
      try (SnapshotSink sink = store.create(OLD)) {
        Payloads.writeTo(sink.stream(), OLD_SEED, OLD_BYTES, 1000);
        sink.finish();
      }
    }
    withOldAndPart = LogDirectories.copy(withOld);
    try (FileSnapshotStore store = FileSnapshotStore.open(withOldAndPart, OPTIONS)) {
      SnapshotSink sink = store.receive(NEW, NEW_BYTES, NEW_CRC);
      sink.write(0, Payloads.chunk(NEW_SEED, 0, 2 * CHUNK_BYTES));
      sink.close();
    }
  }

  @AfterEach
  void removeThem() throws IOException {
    for (Path dir : new Path[] {empty, withOld, withOldAndPart}) {
      LogDirectories.deleteRecursively(dir);
    }
  }

  @Test
  void aCrashWhileTakingTheFirstSnapshotLeavesNoneOrIt() throws Exception {
    int[] outcomes = crashAtEveryStep(empty, (store, done) -> done.finished = take(store), 0);
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "some crashes leave no snapshot, some the new one");
  }

  @Test
  void aCrashWhileTakingASnapshotLeavesTheOldOneOrTheNew() throws Exception {
    int[] outcomes = crashAtEveryStep(withOld, (store, done) -> done.finished = take(store), 0);
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "some crashes leave the old snapshot, some the new one");
  }

  @Test
  void aCrashWhileReceivingASnapshotLeavesTheOldOneOrTheNewAndResumesTheRest() throws Exception {
    int[] outcomes = crashAtEveryStep(withOld, (store, done) -> {
      SnapshotSink sink = store.receive(NEW, NEW_BYTES, NEW_CRC);
      deliver(sink, 0, done);
    }, 0);
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "some crashes leave the old snapshot, some the new one");
  }

  @Test
  void aCrashWhileResumingAReceiveKeepsWhatWasDurable() throws Exception {
    int[] outcomes = crashAtEveryStep(withOldAndPart, (store, done) -> {
      SnapshotSink sink = store.receive(NEW, NEW_BYTES, NEW_CRC);
      assertEquals(2 * CHUNK_BYTES, sink.position());
      deliver(sink, sink.position(), done);
    }, 2 * CHUNK_BYTES);
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "some crashes leave the old snapshot, some the new one");
  }

  @Test
  void aCrashWhileAnotherSnapshotReplacesAPartLeavesEitherPart() throws Exception {
    SnapshotMeta other = new SnapshotMeta(30, 3, VOTERS);
    long otherCrc = Payloads.crc(3, NEW_BYTES);
    crashAtEveryStep(withOldAndPart, (store, done) -> {
      SnapshotSink sink = store.receive(other, NEW_BYTES, otherCrc);
      sink.write(0, Payloads.chunk(3, 0, CHUNK_BYTES));
      sink.sync();
    }, -1); // once another snapshot's receive starts, the part of the new one may be gone
  }

  private static SnapshotInfo take(FileSnapshotStore store) throws IOException {
    try (SnapshotSink sink = store.create(NEW)) {
      Payloads.writeTo(sink.stream(), NEW_SEED, NEW_BYTES, 3000);
      return sink.finish();
    }
  }

  /** Sends the new snapshot from {@code from} in chunks, syncing after each, then finishes it. */
  private static void deliver(SnapshotSink sink, long from, Done done) throws IOException {
    for (long offset = from; offset < NEW_BYTES; offset += CHUNK_BYTES) {
      sink.write(offset, Payloads.chunk(NEW_SEED, offset, (int) Math.min(CHUNK_BYTES, NEW_BYTES - offset)));
      sink.sync();
      done.synced = sink.position();
    }
    done.finished = sink.finish();
  }

  /**
   * Runs {@code scenario} on a copy of {@code setup} once to count its steps, then once per step
   * and kind of crash with that step crashing; checks each crashed directory. Returns how many
   * crashes left the old snapshot (or none) and how many the new one.
   */
  private static int[] crashAtEveryStep(Path setup, Scenario scenario, long syncedBefore) throws Exception {
    Path counting = LogDirectories.copy(setup);
    int steps;
    try {
      CrashingFileIo io = new CrashingFileIo(counting, 0);
      try (FileSnapshotStore store = FileSnapshotStore.open(counting, OPTIONS.withFileIo(io))) {
        scenario.run(store, new Done());
      }
      steps = io.steps();
    } finally {
      LogDirectories.deleteRecursively(counting);
    }
    assertTrue(steps >= 6, "the scenario makes enough steps to test: " + steps);
    int[] outcomes = new int[2];
    for (int step = 1; step <= steps; step++) {
      for (Crash crash : Crash.values()) {
        outcomes[crashAt(setup, scenario, step, crash, syncedBefore) ? 1 : 0]++;
      }
    }
    return outcomes;
  }

  /** Crashes the scenario at {@code step}; true if the directory then holds the new snapshot. */
  private static boolean crashAt(Path setup, Scenario scenario, int step, Crash crash, long syncedBefore)
      throws Exception {
    Path dir = LogDirectories.copy(setup);
    boolean hadOld = Files.exists(dir.resolve(SnapshotFormat.snapshotName(OLD.lastIndex())));
    try {
      CrashingFileIo io = new CrashingFileIo(dir, step);
      Done done = new Done();
      done.synced = syncedBefore;
      try {
        FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS.withFileIo(io));
        scenario.run(store, done);
      } catch (IOException e) {
        assertTrue(io.crashed(), "only the crash fails the scenario: " + e);
      }
      assertTrue(io.crashed(), "step " + step + " is reached");
      String where = crash + " at " + io.crashedAt();
      if (crash == Crash.POWER_LOSS) {
        io.losePower();
      }
      return checkAfter(dir, hadOld, done, crash, where);
    } finally {
      LogDirectories.deleteRecursively(dir);
    }
  }

  private static boolean checkAfter(Path dir, boolean hadOld, Done done, Crash crash, String where)
      throws IOException {
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS)) {
      Optional<SnapshotInfo> latest = store.latest();
      if (latest.isEmpty()) {
        assertFalse(hadOld, "the old snapshot survives; " + where);
        assertNull(done.finished, "a finished snapshot is durable; " + where);
        assertEquals(0, Files.list(dir).filter(f -> f.toString().endsWith(".snap")).count(), where);
        return false;
      }
      SnapshotInfo info = latest.get();
      boolean isNew = info.lastIndex() == NEW.lastIndex();
      if (!isNew) {
        assertNull(done.finished, "a finished snapshot is durable; " + where);
        assertHolds(store, info, OLD, OLD_SEED, OLD_BYTES, where);
      } else {
        assertHolds(store, info, NEW, NEW_SEED, NEW_BYTES, where);
      }
      if (!isNew && done.synced >= 0) {
        resumeAndFinish(store, done, crash, where);
      }
      return isNew;
    }
  }

  /** A receive of the new snapshot resumes at least where the last sync that returned left it, and completes it. */
  private static void resumeAndFinish(FileSnapshotStore store, Done done, Crash crash, String where)
      throws IOException {
    SnapshotSink sink = store.receive(NEW, NEW_BYTES, NEW_CRC);
    long resumed = sink.position();
    if (crash == Crash.POWER_LOSS) {
      assertEquals(done.synced, resumed, "resumes at the last completed sync; " + where);
    } else {
      assertTrue(resumed >= done.synced && resumed <= NEW_BYTES, "resumes at " + resumed + ", synced "
          + done.synced + "; " + where);
    }
    sink.write(resumed, Payloads.chunk(NEW_SEED, resumed, (int) (NEW_BYTES - resumed)));
    SnapshotInfo info = sink.finish();
    assertHolds(store, info, NEW, NEW_SEED, NEW_BYTES, where);
  }

  private static void assertHolds(FileSnapshotStore store, SnapshotInfo info, SnapshotMeta meta, long seed,
      long size, String where) throws IOException {
    assertEquals(new SnapshotInfo(meta, size, Payloads.crc(seed, size), SnapshotFormat.snapshotName(meta.lastIndex())),
        info, where);
    try (SnapshotSource source = store.open(info); InputStream in = source.stream()) {
      Payloads.assertHolds(in, seed, size);
    } catch (AssertionError e) {
      fail(where + ": " + e.getMessage(), e);
    }
  }
}

package io.keel.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedDiskTest {

  private long now;
  private final List<String> reports = new ArrayList<>();
  private final SimulatedDisk disk = new SimulatedDisk(() -> now, new SimRandom(1), 1_000_000);

  SimulatedDiskTest() {
    disk.listener(new DurabilityListener() {
      @Override
      public void logDurable(long sequence, long index, long term) {
        reports.add("log " + index + "@" + term);
      }

      @Override
      public void hardStateDurable(HardState state) {
        reports.add("hard " + state.term());
      }

      @Override
      public void storageFailed(Exception cause) {
        reports.add("failed " + cause.getMessage());
      }
    });
  }

  private static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> list = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      list.add(LogEntry.command(i, term, new byte[] {(byte) i}));
    }
    return list;
  }

  private void syncAll() {
    while (disk.syncDoneNanos() != Long.MAX_VALUE) {
      now = disk.syncDoneNanos();
      disk.completeSync(now);
    }
  }

  @Test
  void theWritesMadeDuringOneFsyncShareTheNextAndAreReportedOnce() {
    disk.append(entries(1, 1, 1));
    disk.append(entries(2, 3, 1));
    disk.append(entries(4, 4, 1));
    disk.saveHardState(new HardState(1, NodeId.of("n1")));
    syncAll();
    assertEquals(List.of("log 1@1", "hard 1", "log 4@1"), reports,
        "the first fsync covers the first append; the second covers the other three writes at once");
    assertEquals(4, disk.durableLastIndex());
  }

  @Test
  void writesMadeDuringAnFsyncWaitForTheNextOne() {
    disk.append(entries(1, 1, 1));
    long first = disk.syncDoneNanos();
    disk.append(entries(2, 2, 1));
    assertEquals(first, disk.syncDoneNanos(), "the second write does not move the fsync in flight");
    now = first;
    disk.completeSync(now);
    assertEquals(List.of("log 1@1"), reports);
    assertTrue(disk.syncDoneNanos() > now, "the next fsync starts at once for the write that waited");
    syncAll();
    assertEquals(List.of("log 1@1", "log 2@1"), reports);
  }

  @Test
  void aCrashWithoutTearingKeepsExactlyWhatWasReportedDurable() {
    disk.append(entries(1, 2, 1));
    syncAll();
    disk.append(entries(3, 5, 1));
    disk.saveHardState(new HardState(2, null));
    disk.crash(false);
    assertEquals(2, disk.lastIndex());
    assertEquals(HardState.INITIAL, disk.hardState());
    assertTrue(disk.writesLostInCrashes() >= 4, "three entries and a hard state lost");
  }

  @Test
  void aTearingCrashKeepsAPrefixOfTheUnsyncedWritesAndNeverLessThanDurable() {
    for (long seed = 1; seed <= 200; seed++) {
      SimulatedDisk torn = new SimulatedDisk(() -> 0, new SimRandom(seed), 1_000);
      torn.listener(new DurabilityListener() {
        @Override
        public void logDurable(long sequence, long index, long term) {}

        @Override
        public void hardStateDurable(HardState state) {}

        @Override
        public void storageFailed(Exception cause) {}
      });
      torn.append(entries(1, 2, 1));
      torn.completeSync(Long.MAX_VALUE);
      torn.append(entries(3, 6, 1));
      torn.truncateSuffix(5);
      torn.append(entries(5, 7, 2));
      torn.crash(true);
      assertTrue(torn.lastIndex() >= 2 && torn.lastIndex() <= 7, "seed " + seed + ": " + torn.lastIndex());
      // Any prefix of [append 3..6 @1, truncate from 5, append 5..7 @2], the last append perhaps
      // cut: entries up to 4 have term 1, and from 5 on all have the term of entry 5.
      for (long i = 1; i <= torn.lastIndex(); i++) {
        assertEquals(i <= 4 ? 1 : torn.term(5), torn.term(i), "seed " + seed + " index " + i);
      }
      assertTrue(torn.lastIndex() < 7 || torn.term(7) == 2, "seed " + seed);
    }
  }

  @Test
  void compactionKeepsTheEntriesAfterAMatchingIndexAndIsUndoneByACrashBeforeItsFsync() {
    disk.append(entries(1, 6, 1));
    syncAll();
    disk.compactPrefix(3, 1);
    assertEquals(4, disk.firstIndex());
    assertEquals(1, disk.term(3));
    assertEquals(6, disk.lastIndex());
    assertThrows(IndexOutOfBoundsException.class, () -> disk.entry(3));
    disk.crash(false);
    assertEquals(1, disk.firstIndex(), "the compaction was not durable yet");
    disk.compactPrefix(3, 1);
    syncAll();
    disk.crash(false);
    assertEquals(4, disk.firstIndex(), "a durable compaction survives");
    disk.compactPrefix(2, 1);
    assertEquals(4, disk.firstIndex(), "compacting below the start changes nothing");
  }

  @Test
  void compactionToAnIndexTheLogDoesNotHoldWithThatTermDiscardsTheWholeLog() {
    disk.append(entries(1, 3, 1));
    disk.compactPrefix(10, 4);
    assertEquals(11, disk.firstIndex());
    assertEquals(10, disk.lastIndex());
    assertEquals(4, disk.term(10));
    disk.append(entries(11, 11, 4));
    assertEquals(11, disk.lastIndex());
    assertThrows(IllegalArgumentException.class, () -> disk.compactPrefix(10, 3), "contradicts the start's term");
  }

  @Test
  void anInjectedFsyncErrorFailsTheDiskAndReportsNothingDurable() {
    disk.append(entries(1, 1, 1));
    disk.failNextSync();
    syncAll();
    assertEquals(List.of("failed simulated I/O error: fsync failed"), reports);
    assertEquals(0, disk.durableLastIndex());
    assertThrows(IllegalStateException.class, () -> disk.append(entries(2, 2, 1)));
  }
}

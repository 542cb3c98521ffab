package io.keel.raft.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * A session table kept by a persistent state machine ({@link SessionTableStorage}) survives
 * crashes at any point: a replica that flushes after random runs of entries and crashes at random
 * points, losing what it had not flushed, reopens at its stored applied index and answers every
 * entry after it as a replica that never crashed does. The same run with a storage that drops
 * the table's writes is shown to diverge, so the comparison can fail.
 */
class StoredSessionTableProperties {

  /** Runs {@code log} with crashes; returns the first index answered differently from the reference, or -1. */
  private static long firstDivergence(List<byte[]> log, Random random, boolean dropTableWrites) {
    SessionStateMachine<Long> reference = new SessionStateMachine<>(new Counter(), Counter.CODEC, SessionProperties.LIMITS);
    List<String> expected = new ArrayList<>();
    for (int index = 1; index <= log.size(); index++) {
      expected.add(SessionProperties.answer(reference, index, log.get(index - 1)));
    }
    DurableCounter.Disk disk = new DurableCounter.Disk();
    SessionStateMachine<Long> replica = open(disk, dropTableWrites);
    long next = replica.appliedIndex() + 1;
    while (next <= log.size()) {
      int run = 1 + random.nextInt(12);
      long last = Math.min(log.size(), next + run - 1);
      for (long index = next; index <= last; index++) {
        if (!expected.get((int) index - 1).equals(SessionProperties.answer(replica, index, log.get((int) index - 1)))) {
          return index;
        }
      }
      if (random.nextInt(4) == 0) {
        replica = open(disk, dropTableWrites); // a crash before the flush: the run is lost
      } else {
        replica.flush(last);
        if (random.nextInt(5) == 0) {
          replica = open(disk, dropTableWrites); // a crash after it
        }
      }
      next = replica.appliedIndex() + 1;
    }
    return -1;
  }

  private static SessionStateMachine<Long> open(DurableCounter.Disk disk, boolean dropTableWrites) {
    DurableCounter counter = dropTableWrites ? new TableDroppingCounter(disk) : new DurableCounter(disk);
    return new SessionStateMachine<>(counter, Counter.CODEC, SessionProperties.LIMITS);
  }

  @Property(tries = 300)
  void aReplicaThatCrashesAnswersEveryEntryAsOneThatNeverCrashed(@ForAll long seed) {
    Random random = new Random(seed);
    List<byte[]> log = SessionProperties.randomLog(random);
    assertEquals(-1, firstDivergence(log, random, false));
  }

  @Test
  void the_comparison_fires_when_the_table_is_not_stored() {
    int diverged = 0;
    for (long seed = 0; seed < 50; seed++) {
      Random random = new Random(seed);
      List<byte[]> log = SessionProperties.randomLog(random);
      if (firstDivergence(log, random, true) != -1) {
        diverged++;
      }
    }
    assertTrue(diverged > 25, "a table that is not stored must be caught on most seeds, was on " + diverged + " of 50");
  }

  @Test
  void only_the_sessions_that_changed_are_written_at_each_flush() {
    DurableCounter.Disk disk = new DurableCounter.Disk();
    List<Long> written = new ArrayList<>();
    DurableCounter counter = new DurableCounter(disk) {
      @Override
      public void putSessionRecord(long clientId, byte[] record) {
        written.add(clientId);
        super.putSessionRecord(clientId, record);
      }
    };
    SessionStateMachine<Long> machine = new SessionStateMachine<>(counter, Counter.CODEC, SessionProperties.LIMITS);
    machine.appliedIndex();
    long[] clock = {0};
    ClientSession one = new ClientSession(1, () -> clock[0]);
    ClientSession two = new ClientSession(2, () -> clock[0]);
    machine.apply(1, one.register());
    machine.apply(2, two.register());
    machine.apply(3, one.command(Counter.add(4)).encode());
    machine.flush(3);
    assertEquals(List.of(1L, 2L), written);
    written.clear();
    machine.apply(4, two.command(Counter.add(1)).encode());
    machine.apply(5, two.command(Counter.add(1)).encode());
    machine.flush(5);
    assertEquals(List.of(2L), written, "session 1 did not change");
    written.clear();
    machine.flush(6);
    assertEquals(List.of(), written);
  }

  @Test
  void a_damaged_stored_table_stops_the_open_with_an_error_that_says_what_is_wrong() {
    DurableCounter.Disk disk = new DurableCounter.Disk();
    SessionStateMachine<Long> machine = open(disk, false);
    machine.apply(1, new ClientSession(1, () -> 0).register());
    machine.flush(1);
    byte[] intact = disk.sessions.get(1L);
    disk.sessions.put(1L, new byte[] {1, 0, 0});
    UncheckedIOException damaged = assertThrows(UncheckedIOException.class, () -> open(disk, false).appliedIndex());
    assertTrue(damaged.getMessage().contains("session table is damaged"), damaged.getMessage());
    disk.sessions.put(1L, new byte[] {9});
    damaged = assertThrows(UncheckedIOException.class, () -> open(disk, false).appliedIndex());
    assertTrue(damaged.getMessage().contains("format version 9"), damaged.getMessage());
    disk.sessions.put(1L, intact);
    disk.tableRecord = null;
    damaged = assertThrows(UncheckedIOException.class, () -> open(disk, false).appliedIndex());
    assertTrue(damaged.getMessage().contains("no session table record"), damaged.getMessage());
  }

  /** A broken storage that never writes the table, to show the property fires. */
  private static final class TableDroppingCounter extends DurableCounter {
    TableDroppingCounter(Disk disk) {
      super(disk);
    }

    @Override
    public void putSessionRecord(long clientId, byte[] record) {}

    @Override
    public void deleteSessionRecord(long clientId) {}
  }
}

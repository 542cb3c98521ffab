package io.keel.raft.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryLogStoreTest {

  private final List<String> reports = new ArrayList<>();
  private long nowNanos;
  private final InMemoryLogStore store = new InMemoryLogStore(new DurabilityListener() {
    @Override
    public void logDurable(long sequence, long index, long term) {
      reports.add("log " + index + "@" + term);
    }

    @Override
    public void hardStateDurable(HardState state) {
      reports.add("hard " + state.term() + "/" + state.votedFor());
    }

    @Override
    public void storageFailed(Exception cause) {
      reports.add("failed");
    }
  }, () -> nowNanos, 10);

  private static LogEntry entry(long index, long term) {
    return LogEntry.command(index, term, new byte[] {(byte) index});
  }

  @Test
  void writesAreReadableAtOnceAndDurableAfterTheDelay() {
    store.append(List.of(entry(1, 1), entry(2, 1)));
    store.saveHardState(new HardState(1, NodeId.of("a")));
    assertEquals(2, store.lastIndex());
    assertEquals(new HardState(1, NodeId.of("a")), store.hardState());
    assertEquals(10, store.nextDurableNanos());
    store.reportDurable(9);
    assertEquals(List.of(), reports, "not due yet");
    nowNanos = 5;
    store.append(List.of(entry(3, 2)));
    store.reportDurable(10);
    assertEquals(List.of("hard 1/a", "log 2@1"), reports, "only the writes due by 10");
    store.reportDurable(15);
    assertEquals("log 3@2", reports.get(2));
  }

  @Test
  void crashKeepsOnlyDurableWrites() {
    store.append(List.of(entry(1, 1), entry(2, 1)));
    store.reportAllDurable();
    store.truncateSuffix(2);
    store.append(List.of(entry(2, 2), entry(3, 2)));
    store.saveHardState(new HardState(2, null));
    store.crash();
    assertEquals(2, store.lastIndex(), "truncation and appends after the last sync are lost");
    assertEquals(1, store.term(2));
    assertEquals(HardState.INITIAL, store.hardState());
    assertEquals(false, store.hasPendingWrites());
  }

  @Test
  void truncationThenAppendIsDurableInOrder() {
    store.append(List.of(entry(1, 1), entry(2, 1)));
    store.reportAllDurable();
    store.truncateSuffix(2);
    store.append(List.of(entry(2, 3)));
    store.reportAllDurable();
    store.crash();
    assertEquals(List.of(entry(1, 1), entry(2, 3)), store.entries(1, 3, Long.MAX_VALUE));
  }

  @Test
  void entriesRespectTheByteBudgetButReturnAtLeastOne() {
    store.append(List.of(entry(1, 1), entry(2, 1), entry(3, 1)));
    long one = entry(1, 1).sizeBytes();
    assertEquals(1, store.entries(1, 4, 1).size());
    assertEquals(2, store.entries(1, 4, 2 * one).size());
    assertEquals(3, store.entries(1, 4, Long.MAX_VALUE).size());
    assertEquals(0, store.entries(4, 4, 100).size());
  }

  @Test
  void invalidWritesAndReadsAreRejected() {
    store.append(List.of(entry(1, 2)));
    assertThrows(IllegalArgumentException.class, () -> store.append(List.of(entry(3, 2))), "gap");
    assertThrows(IllegalArgumentException.class, () -> store.append(List.of(entry(2, 1))), "term going down");
    assertThrows(IllegalArgumentException.class, () -> store.truncateSuffix(0));
    assertThrows(IllegalArgumentException.class, () -> store.truncateSuffix(3));
    assertThrows(IndexOutOfBoundsException.class, () -> store.entry(2));
    assertThrows(IndexOutOfBoundsException.class, () -> store.entries(1, 3, 10));
    assertThrows(IllegalArgumentException.class,
        () -> new InMemoryLogStore(new IgnoringListener(), () -> 0L, -1));
  }

  @Test
  void compactionKeepsTheEntriesAfterAMatchingIndex() {
    store.append(List.of(entry(1, 1), entry(2, 1), entry(3, 2)));
    store.compactPrefix(2, 1);
    assertEquals(3, store.firstIndex());
    assertEquals(1, store.term(2));
    assertEquals(entry(3, 2), store.entry(3));
    assertThrows(IndexOutOfBoundsException.class, () -> store.entry(2));
    assertThrows(IndexOutOfBoundsException.class, () -> store.term(1));
    assertThrows(IllegalArgumentException.class, () -> store.truncateSuffix(2), "below the first index");
    store.compactPrefix(1, 1);
    assertEquals(3, store.firstIndex(), "compacting below the start is a no-op");
    assertThrows(IllegalArgumentException.class, () -> store.compactPrefix(2, 5), "contradicts the known term");
  }

  @Test
  void compactionAtAMismatchOrBeyondTheLogDiscardsIt() {
    store.append(List.of(entry(1, 1), entry(2, 1)));
    store.compactPrefix(2, 3);
    assertEquals(3, store.firstIndex());
    assertEquals(2, store.lastIndex());
    assertEquals(3, store.term(2));
    store.compactPrefix(10, 4);
    assertEquals(11, store.firstIndex());
    assertEquals(10, store.lastIndex());
    store.append(List.of(entry(11, 4)));
    assertEquals(entry(11, 4), store.entry(11));
    assertThrows(IllegalArgumentException.class, () -> store.append(List.of(entry(13, 4))));
  }

  @Test
  void crashLosesACompactionThatWasNotDurable() {
    store.append(List.of(entry(1, 1), entry(2, 1), entry(3, 1)));
    store.reportAllDurable();
    store.compactPrefix(2, 1);
    store.crash();
    assertEquals(1, store.firstIndex());
    assertEquals(entry(1, 1), store.entry(1));
    store.compactPrefix(2, 1);
    store.append(List.of(entry(4, 2)));
    store.reportAllDurable();
    store.crash();
    assertEquals(3, store.firstIndex());
    assertEquals(4, store.lastIndex());
    assertEquals("log 4@2", reports.get(reports.size() - 1));
  }

  @Test
  void compactionArgumentsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> store.compactPrefix(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> store.compactPrefix(0, 1));
    assertThrows(IllegalArgumentException.class, () -> store.compactPrefix(3, 0));
    store.compactPrefix(0, 0);
    assertEquals(1, store.firstIndex());
  }
}

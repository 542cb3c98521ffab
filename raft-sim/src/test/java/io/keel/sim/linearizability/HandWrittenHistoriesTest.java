package io.keel.sim.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Small histories written by hand, each showing one rule of linearizability for a register. */
class HandWrittenHistoriesTest {

  private static final LinearizabilityChecker CHECKER =
      new LinearizabilityChecker(CheckLimits.withTimeout(Duration.ofSeconds(10)));

  @AfterAll
  static void stopChecker() {
    CHECKER.close();
  }

  private static CheckResult check(HistoryBuilder builder) {
    return CHECKER.check(builder.build());
  }

  private static void assertLinearizable(HistoryBuilder builder) {
    CheckResult result = check(builder);
    assertEquals(Verdict.LINEARIZABLE, result.verdict(), () -> result.failedKeys().toString());
    assertTrue(result.failedKeys().isEmpty());
  }

  /** Asserts the core, each operation written as "f value @invokeTime". */
  private static void assertCore(Counterexample counterexample, String... expected) {
    List<String> core = counterexample.core().stream()
        .map(op -> op.kind().jsonName() + " " + op.value() + " @" + op.invokeNanos())
        .toList();
    assertEquals(List.of(expected), core);
    assertTrue(counterexample.coreIsMinimal());
  }

  private static Counterexample assertNotLinearizable(HistoryBuilder builder, String key) {
    CheckResult result = check(builder);
    assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
    assertEquals(1, result.failedKeys().size());
    Counterexample counterexample = result.failedKeys().get(0).counterexample();
    assertEquals(key, counterexample.key());
    return counterexample;
  }

  @Nested
  @DisplayName("linearizable histories")
  class Linearizable {

    @Test
    void whenSequentialOperationsFollowTheRegister_thenLinearizable() {
      assertLinearizable(new HistoryBuilder()
          .read(0, "k", null, 0, 1)
          .write(0, "k", "a", 2, 3)
          .read(1, "k", "a", 4, 5)
          .cas(1, "k", "a", "b", 6, 7)
          .read(0, "k", "b", 8, 9)
          .write(1, "k", null, 10, 11)
          .read(0, "k", null, 12, 13));
    }

    @Test
    void whenConcurrentWritesAreSeenInEitherOrder_thenLinearizable() {
      // Both writes overlap both reads, so "b then a" is a valid order even though a started first.
      assertLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 10)
          .write(1, "k", "b", 1, 10)
          .read(2, "k", "b", 2, 5)
          .read(3, "k", "a", 6, 12));
    }

    @Test
    void whenReadOverlapsWrite_thenItMaySeeOldOrNewValue() {
      assertLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 1)
          .write(0, "k", "b", 10, 20)
          .read(1, "k", "a", 11, 12)
          .read(2, "k", "b", 13, 14)
          .read(3, "k", "b", 21, 22));
    }

    @Test
    void whenKeysAreIndependent_thenEachIsItsOwnRegister() {
      assertLinearizable(new HistoryBuilder()
          .write(0, "x", "1", 0, 1)
          .write(1, "y", "1", 0, 1)
          .read(0, "y", "1", 2, 3)
          .read(1, "x", "1", 2, 3));
    }
  }

  @Nested
  @DisplayName("anomalies")
  class Anomalies {

    @Test
    void whenReadSeesOverwrittenValueAfterNewerOneWasRead_thenStaleReadIsCaught() {
      Counterexample counterexample = assertNotLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 1)
          .write(0, "k", "b", 2, 3)
          .read(1, "k", "b", 4, 5)
          .read(1, "k", "a", 6, 7), "k");
      assertEquals("a", counterexample.blocking().value());
      assertEquals(6, counterexample.blocking().invokeNanos());
      assertEquals("b", counterexample.valueAfterPrefix());
      assertEquals(3, counterexample.longestLinearizablePrefix().size());
      // Shrinking weakens the write of b: the read of b proves that b was written by time 5,
      // after the write of a ended, so reading a at 6 is impossible whatever else happened.
      assertCore(counterexample, "write a @0", "read b @4", "read a @6");
    }

    @Test
    void whenAcknowledgedWriteIsNeverSeen_thenLostWriteIsCaught() {
      Counterexample counterexample = assertNotLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 1)
          .write(1, "k", "b", 2, 3)
          .read(2, "k", "a", 4, 5), "k");
      assertEquals(OperationKind.READ, counterexample.blocking().kind());
      assertCore(counterexample, "write a @0", "write b @2", "read a @4");
    }

    @Test
    void whenOldWriteReappearsAfterNewerWrite_thenWriteAppliedTwiceIsCaught() {
      assertNotLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 1)
          .read(1, "k", "a", 2, 3)
          .write(0, "k", "b", 4, 5)
          .read(1, "k", "b", 6, 7)
          .read(1, "k", "a", 8, 9), "k");
    }

    @Test
    void whenCasSucceedsAgainstValueNoLongerHeld_thenItIsCaught() {
      Counterexample counterexample = assertNotLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 1)
          .write(0, "k", "b", 2, 3)
          .cas(1, "k", "a", "c", 4, 5), "k");
      assertEquals(OperationKind.CAS, counterexample.blocking().kind());
      assertCore(counterexample, "write a @0", "write b @2", "cas c @4");
    }

    @Test
    void whenCasOnAbsentKeyExpectsAValue_thenItIsCaught() {
      assertNotLinearizable(new HistoryBuilder().cas(0, "k", "a", "b", 0, 1), "k");
    }

    @Test
    void whenFailedWriteIsRead_thenItIsCaught() {
      assertNotLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, EventType.FAIL, 1)
          .read(1, "k", "a", 2, 3), "k");
    }

    @Test
    void whenOnlyOneKeyIsWrong_thenThatKeyIsNamed() {
      assertNotLinearizable(new HistoryBuilder()
          .write(0, "good", "a", 0, 1)
          .read(1, "good", "a", 2, 3)
          .write(0, "bad", "a", 4, 5)
          .read(1, "bad", null, 6, 7), "bad");
    }
  }

  @Nested
  @DisplayName("operations of unknown outcome")
  class UnknownOutcomes {

    @Test
    void whenInfoWriteTookEffect_thenLaterReadsMaySeeIt() {
      assertLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, EventType.INFO, 1)
          .read(1, "k", null, 2, 3)
          .read(1, "k", "a", 50, 51));
    }

    @Test
    void whenInfoWriteDidNotTakeEffect_thenReadsNeverSeeingItPass() {
      assertLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, EventType.INFO, 1)
          .read(1, "k", null, 2, 3)
          .read(1, "k", null, 50, 51));
    }

    @Test
    void whenInfoWriteIsSeenThenUnseen_thenItIsCaught() {
      assertNotLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, EventType.INFO, 1)
          .read(1, "k", "a", 2, 3)
          .read(1, "k", null, 4, 5), "k");
    }

    @Test
    void whenValueIsSeenBeforeItsInfoWriteWasInvoked_thenItIsCaught() {
      assertNotLinearizable(new HistoryBuilder()
          .read(1, "k", "a", 0, 1)
          .write(0, "k", "a", 2, EventType.INFO, 3), "k");
    }

    @Test
    void whenInvokeNeverCompletes_thenItMayTakeEffectLater() {
      assertLinearizable(new HistoryBuilder()
          .pendingWrite(0, "k", "a", 0)
          .read(1, "k", null, 5, 6)
          .read(1, "k", "a", 100, 101));
    }

    @Test
    void whenInfoCasTookEffect_thenItsValueMayBeRead() {
      assertLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 1)
          .cas(0, "k", "a", "b", 2, EventType.INFO, 3)
          .read(1, "k", "b", 10, 11));
    }

    @Test
    void whenInfoCasCouldNotHaveSucceeded_thenItsValueCannotBeRead() {
      assertNotLinearizable(new HistoryBuilder()
          .write(0, "k", "z", 0, 1)
          .cas(0, "k", "a", "b", 2, EventType.INFO, 3)
          .read(1, "k", "b", 10, 11), "k");
    }

    @Test
    void whenReadHasInfoOutcome_thenItsValueConstrainsNothing() {
      assertLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 1)
          .read(1, "k", 2, EventType.INFO, EventValue.single("never-written"), 3)
          .read(1, "k", "a", 4, 5));
    }

    @Test
    void whenFailedOperationsAreIgnored_thenTheRestMustStillFit() {
      assertLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 1)
          .cas(1, "k", "x", "y", 2, EventType.FAIL, 3)
          .read(2, "k", 4, EventType.FAIL, EventValue.NONE, 5)
          .read(2, "k", "a", 6, 7));
    }
  }

  @Nested
  @DisplayName("touching intervals")
  class TouchingIntervals {

    @Test
    void whenReadStartsTheNanosecondWriteEnds_thenTheyAreConcurrent() {
      // Equal clock readings cannot order the two, so the read may still see the old value.
      assertLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 10)
          .read(1, "k", null, 10, 20));
    }

    @Test
    void whenReadStartsOneNanosecondAfterWriteEnds_thenItMustSeeTheWrite() {
      assertNotLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 0, 10)
          .read(1, "k", null, 11, 20), "k");
    }

    @Test
    void whenZeroLengthOperationsTouch_thenEitherOrderIsAllowed() {
      assertLinearizable(new HistoryBuilder()
          .write(0, "k", "a", 5, 5)
          .read(1, "k", null, 5, 5)
          .read(2, "k", "a", 5, 5));
    }
  }

  @Test
  void counterexampleNamesTheBlockingOperationThePrefixAndWhatIsConcurrent() {
    Counterexample counterexample = assertNotLinearizable(new HistoryBuilder()
        .write(0, "k", "a", 0, 1)
        .cas(1, "k", "z", "y", 5, EventType.INFO, 6)
        .read(2, "k", "y", 10, 20), "k");
    assertEquals(OperationKind.READ, counterexample.blocking().kind());
    assertEquals("y", counterexample.blocking().value());
    List<Operation> prefix = counterexample.longestLinearizablePrefix();
    assertEquals(1, prefix.size(), prefix::toString);
    assertEquals("a", prefix.get(0).value());
    assertEquals("a", counterexample.valueAfterPrefix());
    assertEquals(1, counterexample.concurrentCount());
    assertEquals(OperationKind.CAS, counterexample.concurrent().get(0).kind());
    assertCore(counterexample, "read y @10");
  }
}

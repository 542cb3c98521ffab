package io.keel.sim.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A history too concurrent to decide ends as unknown at its bound, never as a pass. */
class SearchBoundsTest {

  private static History tooConcurrent(int writers) throws Exception {
    StringWriter out = new StringWriter();
    RegisterHistoryGenerator.generateTooConcurrent(writers, out);
    return HistoryReader.read(new BufferedReader(new StringReader(out.toString())), "wide");
  }

  @Test
  void whenFewWritersOverlap_thenTheImpossibleReadIsFound() throws Exception {
    try (LinearizabilityChecker checker =
        new LinearizabilityChecker(CheckLimits.withTimeout(Duration.ofSeconds(10)))) {
      CheckResult result = checker.check(tooConcurrent(6));
      assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
      assertEquals("never-written", result.failedKeys().get(0).counterexample().blocking().value());
    }
  }

  @Test
  void whenTimeBoundIsHit_thenVerdictIsUnknownSoonAfter() throws Exception {
    long timeoutMillis = 300;
    CheckLimits limits = CheckLimits.withTimeout(Duration.ofMillis(timeoutMillis))
        .withMemoBytesPerKey(Long.MAX_VALUE);
    try (LinearizabilityChecker checker = new LinearizabilityChecker(limits)) {
      History history = tooConcurrent(40);
      long startNanos = System.nanoTime();
      CheckResult result = checker.check(history);
      long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
      assertEquals(Verdict.UNKNOWN, result.verdict());
      assertEquals(1, result.unknownKeys().size());
      assertTrue(result.unknownKeys().get(0).unknownReason().startsWith("time bound"),
          result.unknownKeys().get(0).unknownReason());
      assertTrue(elapsedMillis < timeoutMillis + 2_000, "took " + elapsedMillis + " ms");
    }
  }

  @Test
  void whenMemoBoundIsHit_thenVerdictIsUnknown() throws Exception {
    CheckLimits limits = CheckLimits.withTimeout(Duration.ofSeconds(30))
        .withMemoBytesPerKey(4 << 20);
    try (LinearizabilityChecker checker = new LinearizabilityChecker(limits)) {
      CheckResult result = checker.check(tooConcurrent(40));
      assertEquals(Verdict.UNKNOWN, result.verdict());
      KeyResult key = result.unknownKeys().get(0);
      assertTrue(key.unknownReason().startsWith("memo bound of 4 MiB"), key.unknownReason());
      assertTrue(key.memoEntries() > 1000, "the search did real work before stopping");
    }
  }

  @Test
  void whenLongTameHistoryOverflowsTheMemo_thenOldConfigurationsAreForgottenAndItPasses()
      throws Exception {
    StringWriter out = new StringWriter();
    RegisterHistoryGenerator.generate(new RegisterHistoryGenerator.Settings(
        40_000, 1, 8, 11, 0.02, 1000, RegisterHistoryGenerator.Anomaly.NONE), out);
    History history =
        HistoryReader.read(new BufferedReader(new StringReader(out.toString())), "long");
    CheckLimits limits = CheckLimits.withTimeout(Duration.ofSeconds(30))
        .withMemoBytesPerKey(1 << 20);
    try (LinearizabilityChecker checker = new LinearizabilityChecker(limits)) {
      CheckResult result = checker.check(history);
      assertEquals(Verdict.LINEARIZABLE, result.verdict(), result::toString);
    }
    // Unbounded, the memo holds far more than 1 MiB (an entry takes at least 40 bytes), so the
    // pass above must have come from forgetting, not from the bound being loose.
    KeyResult unbounded = KeySearch.check(
        KeyHistory.prepare("k0", history.operationsByKey().get("k0")),
        System.nanoTime() + Duration.ofSeconds(30).toNanos(), Long.MAX_VALUE);
    assertEquals(Verdict.LINEARIZABLE, unbounded.verdict());
    assertTrue(unbounded.memoEntries() * 40 > 4 << 20, "memo entries: " + unbounded.memoEntries());
  }

  @Test
  void whenOneKeyFailsAndAnotherIsUnknown_thenTheFailureWins() throws Exception {
    StringWriter out = new StringWriter();
    RegisterHistoryGenerator.generateTooConcurrent(40, out);
    String failing =
        "{\"process\":100,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"other\",\"time\":0}\n"
            + "{\"process\":100,\"type\":\"ok\",\"f\":\"read\",\"key\":\"other\",\"value\":\"x\","
            + "\"time\":1}\n";
    History history = HistoryReader.read(
        new BufferedReader(new StringReader(failing + out)), "mixed");
    CheckLimits limits = CheckLimits.withTimeout(Duration.ofMillis(200));
    try (LinearizabilityChecker checker = new LinearizabilityChecker(limits)) {
      CheckResult result = checker.check(history);
      assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
      assertEquals("other", result.failedKeys().get(0).key());
      assertEquals("k0", result.unknownKeys().get(0).key());
    }
  }
}

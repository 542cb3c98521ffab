package io.keel.sim.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pairing invokes with completions, and every kind of bad input, reported with its line. */
class HistoryReaderTest {

  private static String event(long process, String type, String f, String key, String value,
      long time) {
    return "{\"process\":" + process + ",\"type\":\"" + type + "\",\"f\":\"" + f + "\",\"key\":\""
        + key + "\"" + (value == null ? "" : ",\"value\":" + value) + ",\"time\":" + time + "}";
  }

  private static History read(String... lines) throws Exception {
    return HistoryReader.read(
        new BufferedReader(new StringReader(String.join("\n", lines))), "h.jsonl");
  }

  private static BadHistoryException assertBad(long line, String reason, String... lines) {
    BadHistoryException error = assertThrows(BadHistoryException.class, () -> read(lines));
    assertEquals(line, error.lineNumber(), error.getMessage());
    assertEquals("h.jsonl", error.source());
    assertTrue(error.getMessage().startsWith("h.jsonl:" + line + ": "), error.getMessage());
    assertTrue(error.reason().contains(reason),
        () -> "reason \"" + error.reason() + "\" should contain \"" + reason + "\"");
    return error;
  }

  @Test
  void whenHistoryIsWellFormed_thenOperationsArePairedPerKey() throws Exception {
    History history = read(
        event(1, "invoke", "write", "k", "\"a\"", 10),
        event(2, "invoke", "read", "k", null, 11),
        "",
        event(1, "ok", "write", "k", null, 12),
        event(2, "ok", "read", "k", "\"a\"", 13),
        event(1, "invoke", "cas", "j", "[null,\"b\"]", 14),
        event(1, "fail", "cas", "j", null, 15),
        event(2, "invoke", "read", "j", null, 16),
        event(2, "info", "read", "j", null, 17),
        event(3, "invoke", "write", "j", "\"c\"", 18));
    assertEquals(5, history.invocationCount());
    assertEquals(2, history.keyCount());
    List<Operation> onK = history.operationsByKey().get("k");
    assertEquals(2, onK.size());
    assertEquals(new Operation(0, 1, OperationKind.WRITE, "k", "a", null, 10, 12, EventType.OK,
        1, 4), onK.get(0));
    assertEquals("a", onK.get(1).value());
    List<Operation> onJ = history.operationsByKey().get("j");
    assertEquals(1, onJ.size(), "the failed cas and the info read constrain nothing");
    Operation neverCompleted = onJ.get(0);
    assertEquals(EventType.INFO, neverCompleted.outcome());
    assertEquals(Operation.UNKNOWN_COMPLETION_NANOS, neverCompleted.completeNanos());
    assertEquals(0, neverCompleted.completionLine());
    assertNull(neverCompleted.expected());
  }

  @Test
  void whenProcessInvokesTwice_thenTheSecondInvokeIsBad() {
    assertBad(2, "second operation while its operation invoked on line 1 is outstanding",
        event(1, "invoke", "read", "k", null, 1),
        event(1, "invoke", "read", "k", null, 2));
  }

  @Test
  void whenCompletionHasNoInvoke_thenItIsBad() {
    assertBad(2, "no outstanding invoke",
        event(1, "invoke", "read", "k", null, 1),
        event(2, "ok", "read", "k", "null", 2));
  }

  @Test
  void whenCompletionIsBeforeItsInvoke_thenItIsBad() {
    assertBad(2, "is before its invoke at 5 on line 1",
        event(1, "invoke", "write", "k", "\"a\"", 5),
        event(1, "ok", "write", "k", null, 4));
  }

  @Test
  void whenCompletionHasAnotherFunction_thenItIsBad() {
    assertBad(2, "has f \"write\" but the invoke on line 1 has f \"read\"",
        event(1, "invoke", "read", "k", null, 1),
        event(1, "ok", "write", "k", null, 2));
  }

  @Test
  void whenCompletionHasAnotherKey_thenItIsBad() {
    assertBad(2, "is for key \"j\" but the invoke on line 1 is for key \"k\"",
        event(1, "invoke", "read", "k", null, 1),
        event(1, "ok", "read", "j", "null", 2));
  }

  @Test
  void whenLineIsMalformedJson_thenItIsBadWithItsLineNumber() {
    assertBad(3, "malformed event",
        event(1, "invoke", "read", "k", null, 1),
        event(1, "ok", "read", "k", "null", 2),
        "{\"process\":1,");
  }

  @Test
  void whenOkReadCarriesNoValue_thenItIsBad() {
    assertBad(2, "must carry the value read",
        event(1, "invoke", "read", "k", null, 1),
        event(1, "ok", "read", "k", null, 2));
  }

  @Test
  void whenInvokeValueDoesNotFitTheFunction_thenItIsBad() {
    assertBad(1, "needs an [expected, new] value", event(1, "invoke", "cas", "k", "\"a\"", 1));
    assertBad(1, "needs a value", event(1, "invoke", "write", "k", null, 1));
    assertBad(1, "needs no value", event(1, "invoke", "read", "k", "\"a\"", 1));
  }

  @Test
  void whenCompletionChangesTheWrittenValue_thenItIsBad() {
    assertBad(2, "may only repeat the value of its invoke on line 1",
        event(1, "invoke", "write", "k", "\"a\"", 1),
        event(1, "ok", "write", "k", "\"b\"", 2));
  }

  @Test
  void whenInvokePrecedesTheProcessesPreviousCompletion_thenItIsBad() {
    assertBad(3, "precedes the completion",
        event(1, "invoke", "write", "k", "\"a\"", 1),
        event(1, "ok", "write", "k", null, 10),
        event(1, "invoke", "write", "k", "\"b\"", 9));
  }

  @Test
  void whenFileIsNotUtf8_thenTheLineIsNamed(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("h.jsonl");
    byte[] good = (event(1, "invoke", "write", "k", "\"a\"", 1) + "\n").getBytes("UTF-8");
    byte[] bad = {'{', (byte) 0xC3, (byte) 0x28, '}', '\n'};
    byte[] both = new byte[good.length + bad.length];
    System.arraycopy(good, 0, both, 0, good.length);
    System.arraycopy(bad, 0, both, good.length, bad.length);
    Files.write(file, both);
    BadHistoryException error =
        assertThrows(BadHistoryException.class, () -> HistoryReader.read(file));
    assertEquals(2, error.lineNumber());
    assertTrue(error.getMessage().contains("UTF-8"), error.getMessage());
  }
}

package io.keel.sim.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The JSON-lines codec: exact round trips, strict rejection of anything that is not JSON. */
class HistoryJsonTest {

  @Test
  void whenEventIsFormatted_thenParsingGivesItBack() throws Exception {
    HistoryEvent event = new HistoryEvent(3, EventType.INVOKE, OperationKind.WRITE, "k1",
        EventValue.single("v7"), 123456789);
    String line = HistoryJson.format(event);
    assertEquals(
        "{\"process\":3,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k1\",\"value\":\"v7\","
            + "\"time\":123456789}",
        line);
    assertEquals(event, HistoryJson.parse(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "quote\"", "back\\slash", "new\nline", "tab\t", "\u0001\u001f",
      "é ü 日本", "😀", "slash/", "\b\f\r"})
  void whenStringsNeedEscapes_thenTheyRoundTripExactly(String text) throws Exception {
    HistoryEvent event = new HistoryEvent(0, EventType.INVOKE, OperationKind.CAS, text,
        EventValue.pair(text, null), -5);
    assertEquals(event, HistoryJson.parse(HistoryJson.format(event)));
  }

  @Test
  void whenValueIsNullOrAbsent_thenTheyStayDistinct() throws Exception {
    HistoryEvent withNull = HistoryJson.parse(
        "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"time\":2}");
    HistoryEvent without = HistoryJson.parse(
        "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"time\":2}");
    assertEquals(EventValue.single(null), withNull.value());
    assertEquals(EventValue.NONE, without.value());
  }

  @Test
  void whenEscapesAreUsedInInput_thenTheyAreDecoded() throws Exception {
    HistoryEvent event = HistoryJson.parse(
        " { \"key\" : \"a\\u00e9\\ud83d\\ude00\\/\\\"\" , \"process\":0,\"type\":\"invoke\","
            + "\"f\":\"read\",\"time\":0 } ");
    assertEquals("aé😀/\"", event.key());
  }

  @Test
  void whenUnknownFieldsArePresent_thenTheyAreSkipped() throws Exception {
    HistoryEvent event = HistoryJson.parse(
        "{\"index\":7,\"process\":0,\"extra\":{\"a\":[1,2.5e3,true,null,{}]},\"type\":\"invoke\","
            + "\"f\":\"read\",\"key\":\"k\",\"time\":0,\"note\":\"x\"}");
    assertEquals("k", event.key());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\"}|missing field \"time\"",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":0,}|expected",
      "{'process':0}|expected",
      "{\"process\":0,\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":0}"
          + "|appears twice",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"time\":0}|missing field \"key\"",
      "{\"process\":0,\"type\":\"begin\",\"f\":\"read\",\"key\":\"k\",\"time\":0}|\"type\" must be",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"append\",\"key\":\"k\",\"time\":0}|\"f\" must be",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":1.5}|integer",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":1e3}|integer",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":01}|leading zero",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":99999999999999999999}"
          + "|out of range",
      "{\"process\":-1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":0}|negative",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":0} x|unexpected text",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\\q\",\"time\":0}|invalid escape",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\\u12g4\",\"time\":0}|hex digit",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k,\"time\":0}|expected",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":null,\"time\":0}|expected '\"'",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":7,\"time\":0}"
          + "|\"value\" must be",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\",\"value\":[\"a\"],\"time\":0}"
          + "|expected ','",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k\",\"value\":[\"a\",\"b\",\"c\"],"
          + "\"time\":0}|exactly two",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"x\":tru,\"time\":0}"
          + "|expected true",
      "[1,2]|expected '{'",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":0|expected '}'",
  })
  void whenLineIsMalformed_thenItIsRejectedWithAReason(String line, String reason) {
    MalformedEventException error =
        assertThrows(MalformedEventException.class, () -> HistoryJson.parse(line));
    assertTrue(error.getMessage().contains(reason),
        () -> "message \"" + error.getMessage() + "\" should contain \"" + reason + "\"");
  }

  @Test
  void whenStringHoldsRawControlCharacter_thenItIsRejected() {
    String line = "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"a\tb\",\"time\":0}";
    MalformedEventException error =
        assertThrows(MalformedEventException.class, () -> HistoryJson.parse(line));
    assertTrue(error.getMessage().contains("control character"), error.getMessage());
  }
}

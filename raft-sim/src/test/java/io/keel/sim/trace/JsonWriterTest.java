package io.keel.sim.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

  @Test
  void writesNestedValuesWithCommasAndLineBreaksBetweenMembers() {
    StringBuilder out = new StringBuilder();
    new JsonWriter(out).beginObject().field("format", "x").field("version", 1).newline()
        .name("events").beginArray().newline().beginObject().field("t", -5).field("ok", true).endObject()
        .newline().beginArray().endArray().newline().nullValue().endArray()
        .name("empty").beginObject().endObject().endObject();
    assertEquals("{\"format\":\"x\",\"version\":1,\n\"events\":[\n{\"t\":-5,\"ok\":true},\n[],\nnull],"
        + "\"empty\":{}}", out.toString());
    Map<String, Object> read = StrictJson.object(out.toString());
    assertEquals(Arrays.asList(Map.of("t", -5L, "ok", true), List.of(), null), read.get("events"));
  }

  @Test
  void escapesWhatJsonRequiresAndWhatWouldEndAScriptElement() {
    assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\"", JsonWriter.quote("a\"b\\c\nd\re\tf\bg\fh"));
    assertEquals("\"\\u0000\\u001f\\u007f\"", JsonWriter.quote("\u0000\u001f\u007f"));
    assertEquals("\"\\u003c/script\\u003e \\u0026amp; \\u2028\\u2029\"", JsonWriter.quote("</script> &amp; \u2028\u2029"));
    assertEquals("\"caf\u00e9 \ud83d\ude00\"", JsonWriter.quote("caf\u00e9 \ud83d\ude00"), "pairs and non-ASCII stay as they are");
    assertEquals("\"\\ud83d x \\ude00\"", JsonWriter.quote("\ud83d x \ude00"), "a lone surrogate is escaped");
    for (String text : new String[] {"</script><script>alert(1)</script>", "\u0001\"\\\u2028", "\ude00\ud83d"}) {
      String quoted = JsonWriter.quote(text);
      assertFalse(quoted.toLowerCase(Locale.ROOT).contains("</script"), quoted);
      assertEquals(text, StrictJson.parse(quoted), "reads back as written");
    }
  }

  @Test
  void refusesCallsOutOfPlace() {
    assertThrows(IllegalStateException.class, () -> new JsonWriter(new StringBuilder()).beginObject().value(1));
    assertThrows(IllegalStateException.class, () -> new JsonWriter(new StringBuilder()).beginArray().name("x"));
    assertThrows(IllegalStateException.class, () -> new JsonWriter(new StringBuilder()).beginArray().endObject());
    assertThrows(IllegalStateException.class, () -> new JsonWriter(new StringBuilder()).beginObject().name("x").endObject());
    assertThrows(IllegalStateException.class, () -> new JsonWriter(new StringBuilder()).value(1).value(2));
    assertThrows(IllegalStateException.class, () -> new JsonWriter(new StringBuilder()).beginArray().endArray().beginArray());
    JsonWriter deep = new JsonWriter(new StringBuilder());
    for (int i = 0; i < JsonWriter.MAX_DEPTH; i++) {
      deep.beginArray();
    }
    assertThrows(IllegalStateException.class, deep::beginArray);
  }
}

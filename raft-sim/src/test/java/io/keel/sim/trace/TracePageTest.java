package io.keel.sim.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TracePageTest {

  private static final Pattern EMBEDDED =
      Pattern.compile("<script type=\"application/json\" id=\"keel-trace\">(.*?)</script>", Pattern.DOTALL);

  private static String trace(String note) {
    StringBuilder json = new StringBuilder();
    new JsonWriter(json).beginObject().field("format", "keel-sim-trace").field("version", 1).name("events")
        .beginArray().beginObject().field("t", 0).field("kind", "note").field("text", note).endObject().endArray()
        .endObject();
    return json.toString();
  }

  @Test
  void embedsTheTraceSoThatNoTextInItCanEndItsScriptElement() {
    String hostile = "</script><script>alert(1)</script><!-- & \u2028";
    String json = trace(hostile);
    String page = TracePage.render(json, "seed 1");
    Matcher embedded = EMBEDDED.matcher(page);
    assertTrue(embedded.find(), "the trace is embedded");
    assertEquals(json, embedded.group(1), "as written, whole");
    assertEquals(hostile, ((List<?>) StrictJson.object(embedded.group(1)).get("events")).stream()
        .map(event -> ((Map<?, ?>) event).get("text")).findFirst().orElseThrow());
    int scriptEnds = page.toLowerCase(Locale.ROOT).split("</script", -1).length - 1;
    assertEquals(TracePage.SCRIPTS.size() + 1, scriptEnds, "one end per inlined script, and the trace's");
  }

  @Test
  void inlinesEveryScriptAndTheStylesAndFetchesNothing() {
    String page = TracePage.render(trace("x"), "seed <42> & \"more\"");
    for (String marker : new String[] {"Keel.buildModel = ", "Keel.Timeline = ", "Keel.Panel = ", "Keel.Viewer = ",
        ".role-LEADER {"}) {
      assertTrue(page.contains(marker), marker);
    }
    assertFalse(page.contains("<!-- keel:"), "every placeholder filled");
    assertTrue(page.contains("<title>seed &lt;42&gt; &amp; &quot;more&quot;</title>"));
    assertFalse(Pattern.compile("\\b(src|href)\\s*=", Pattern.CASE_INSENSITIVE).matcher(page).find(),
        "no script, style sheet or link to load");
    assertFalse(page.contains("<link") || page.contains("@import") || page.contains("url(http")
        || page.contains("fetch(") || page.contains("XMLHttpRequest"), "nothing fetched");
  }

  @Test
  void refusesATraceThatWouldEndItsElement() {
    assertThrows(IllegalArgumentException.class, () -> TracePage.render("{\"text\":\"</SCRIPT>\"}", "t"));
  }
}

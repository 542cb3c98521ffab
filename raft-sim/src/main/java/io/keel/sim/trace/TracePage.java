package io.keel.sim.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The trace viewer as one self-contained HTML file: the page, its style sheet, its scripts (all
 * in this jar, under {@code io/keel/sim/trace/viewer/}) and a JSON trace, inlined, so that the file
 * opens in a browser offline, with no server and nothing fetched. The trace is embedded in a
 * {@code <script type="application/json">} element; {@link JsonWriter}'s escaping keeps
 * {@code </script>} from ever appearing in it, and this class refuses a trace or a script that
 * holds it anyway.
 */
public final class TracePage {

  /** The page's scripts, in the order they load. */
  static final List<String> SCRIPTS = List.of("model.js", "timeline.js", "panel.js", "viewer.js");

  private static final String RESOURCES = "/io/keel/sim/trace/viewer/";

  private TracePage() {}

  /** The page showing {@code traceJson} (a {@code keel-sim-trace} document), titled {@code title}. */
  public static String render(String traceJson, String title) {
    if (containsScriptEnd(traceJson)) {
      throw new IllegalArgumentException("the trace holds </script: it would end its element early");
    }
    StringBuilder scripts = new StringBuilder();
    for (String script : SCRIPTS) {
      String source = resource(script);
      if (containsScriptEnd(source)) {
        throw new IllegalStateException(script + " holds </script: it cannot be inlined");
      }
      scripts.append("<script>\n").append(source).append("</script>\n");
    }
    return resource("viewer.html")
        .replace("<!-- keel:title -->", escapeHtml(title))
        .replace("<!-- keel:style -->", "<style>\n" + resource("viewer.css") + "</style>")
        .replace("<!-- keel:trace -->", "<script type=\"application/json\" id=\"keel-trace\">" + traceJson + "</script>")
        .replace("<!-- keel:scripts -->", scripts.toString());
  }

  /** The text of one of the viewer's files. */
  static String resource(String name) {
    try (InputStream in = TracePage.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("the viewer's " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the viewer's " + name, e);
    }
  }

  private static boolean containsScriptEnd(String text) {
    return text.toLowerCase(Locale.ROOT).contains("</script");
  }

  private static String escapeHtml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

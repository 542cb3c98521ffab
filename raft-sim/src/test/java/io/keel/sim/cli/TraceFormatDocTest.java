package io.keel.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.sim.TraceRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * docs/simulator.md stays true to the code: its table of the JSON trace's kinds of event is the
 * recorder's list, in order; every option of {@code view} and {@code --trace-json} is described;
 * the pictures it shows exist; and the page's model handles every kind.
 */
class TraceFormatDocTest {

  private static final Path DOCS = Path.of("..", "docs");

  private static String simulatorDoc() throws IOException {
    return Files.readString(DOCS.resolve("simulator.md"), StandardCharsets.UTF_8);
  }

  private static String section(String text, String heading) {
    int start = text.indexOf(heading);
    assertTrue(start >= 0, "docs/simulator.md has " + heading);
    int end = text.indexOf("\n## ", start + heading.length());
    int subsection = text.indexOf("\n### ", start + heading.length());
    if (heading.startsWith("### ") && subsection >= 0 && (end < 0 || subsection < end)) {
      end = subsection;
    }
    return text.substring(start, end < 0 ? text.length() : end);
  }

  @Test
  void theDocumentedKindsOfEventAreTheRecordersInOrder() throws IOException {
    String format = section(simulatorDoc(), "### The JSON trace");
    List<String> documented = new ArrayList<>();
    Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\| `").matcher(format.substring(format.indexOf("| Kind |")));
    while (row.find()) {
      documented.add(row.group(1));
    }
    assertEquals(TraceRecorder.KINDS, documented);
    assertTrue(format.contains("`\"" + TraceRun.FORMAT + "\"`") && format.contains("| `version` | `" + TraceRun.VERSION + "`"),
        "the format's name and version");
  }

  @Test
  void everyOptionOfViewIsDescribedAndThePicturesExist() throws IOException {
    String viewing = section(simulatorDoc(), "## Viewing a run in the browser");
    CommandLine view = SimCommand.commandLine().getSubcommands().get("view");
    for (OptionSpec option : view.getCommandSpec().options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        assertTrue(viewing.contains("`" + option.longestName()), option.longestName() + " is described");
      }
    }
    assertTrue(viewing.contains("`--max-events N` (default " + String.format("%,d", ViewCommand.DEFAULT_MAX_EVENTS)),
        "the default number of events");
    assertTrue(simulatorDoc().contains("`--trace-json FILE`"));
    Matcher picture = Pattern.compile("!\\[[^]]*\\]\\((img/[^)]+)\\)").matcher(viewing);
    int pictures = 0;
    while (picture.find()) {
      assertTrue(Files.isRegularFile(DOCS.resolve(picture.group(1))), picture.group(1));
      pictures++;
    }
    assertEquals(2, pictures);
  }

  @Test
  void thePagesModelHandlesEveryKind() throws IOException {
    String model;
    try (InputStream in = getClass().getResourceAsStream("/io/keel/sim/trace/viewer/model.js")) {
      model = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (String kind : TraceRecorder.KINDS) {
      assertTrue(model.contains("case '" + kind + "':"), "model.js handles " + kind);
    }
  }
}

package io.keel.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.config.ConfigException;
import io.keel.kv.config.ConfigFile;
import io.keel.kv.config.KvConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** docs/kv-example.md stays true: it lists every command, its configuration example parses, its error examples are the real ones. */
class KvDocsTest {

  static String doc() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !(Files.isDirectory(dir.resolve("docs")) && Files.exists(dir.resolve("pom.xml")))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, "no docs/ above " + Path.of("").toAbsolutePath());
    return Files.readString(dir.resolve("docs/kv-example.md"));
  }

  @Test
  void the_command_table_lists_every_command() throws IOException {
    String doc = doc();
    RespCommands commands = new RespCommands(null, null, (port, command, outcome, nanos) -> { }, 1024);
    for (RespCommands.Spec spec : commands.specs()) {
      String name = spec.name().toUpperCase(Locale.ROOT);
      assertTrue(doc.contains("| `" + name) || doc.contains(", `" + name) || doc.contains("`" + name + " "),
          "docs/kv-example.md does not list " + name);
    }
  }

  @Test
  void the_configuration_example_parses() throws IOException {
    String doc = doc();
    int marker = doc.indexOf("<!-- config-example -->");
    int start = doc.indexOf("```properties\n", marker) + "```properties\n".length();
    String example = doc.substring(start, doc.indexOf("```", start));
    KvConfig config = ConfigFile.parse(example, "kv-example.md");
    assertEquals(8, config.groups());
    assertEquals(3, config.members().size());
  }

  @Test
  void the_error_examples_are_the_real_errors() throws IOException {
    String doc = doc();
    String base = "node-id = n1\nmembers = n1=127.0.0.1:7001\n\n";
    ConfigException range = assertThrows(ConfigException.class,
        () -> ConfigFile.parse(base + "groups = 0\n", "n1.conf"));
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> ConfigFile.parse(base + "\n\n\ngrops = 2\n", "n1.conf"));
    assertTrue(doc.contains(range.getMessage()), "docs/kv-example.md should show: " + range.getMessage());
    assertTrue(doc.contains(unknown.getMessage()), "docs/kv-example.md should show: " + unknown.getMessage());
  }
}

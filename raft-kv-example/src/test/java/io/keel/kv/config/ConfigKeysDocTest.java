package io.keel.kv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/kv-config-keys.md shows {@link ConfigKey#markdownTable()} between its markers, so that the
 * documentation of the keys cannot drift from the code. Run with {@code -Dkeel.regenerateDocs=true}
 * to rewrite the table instead of checking it.
 */
class ConfigKeysDocTest {

  static final String BEGIN = "<!-- config-keys:begin -->";
  static final String END = "<!-- config-keys:end -->";
  private static final String REGENERATE =
      "cd <repository root> && ./mvnw -q -o -B test -pl raft-kv-example -Dtest=ConfigKeysDocTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dkeel.regenerateDocs=true";

  /** The repository root: the nearest directory up from the working directory with docs/ and pom.xml. */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("docs")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new AssertionError("no directory with docs/ and pom.xml above " + Path.of("").toAbsolutePath());
  }

  @Test
  void docs_table_matches_the_config_keys() throws IOException {
    Path doc = repositoryRoot().resolve("docs").resolve("kv-config-keys.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertTrue(begin >= 0 && end > begin, doc + " must hold " + BEGIN + " and then " + END);
    String documented = text.substring(begin + BEGIN.length(), end).strip();
    String generated = ConfigKey.markdownTable().strip();
    if (documented.equals(generated)) {
      return;
    }
    if (Boolean.getBoolean("keel.regenerateDocs")) {
      String updated = text.substring(0, begin + BEGIN.length()) + "\n" + generated + "\n" + text.substring(end);
      Files.writeString(doc, updated, StandardCharsets.UTF_8);
      return;
    }
    fail(doc + " is out of date with io.keel.kv.config.ConfigKey; regenerate it with:\n  " + REGENERATE
        + "\nor paste this between the markers:\n" + generated);
  }

  @Test
  void every_row_has_four_cells_and_a_unique_lower_case_key() {
    String[] rows = ConfigKey.markdownTable().split("\n");
    assertEquals(ConfigKey.values().length + 2, rows.length);
    Set<String> keys = new HashSet<>();
    for (ConfigKey key : ConfigKey.values()) {
      assertTrue(key.key().matches("[a-z]+(-[a-z]+)*"), key.key());
      assertTrue(keys.add(key.key()), key.key() + " is declared twice");
    }
    for (String row : rows) {
      assertEquals(5, row.chars().filter(c -> c == '|').count(), "a '|' inside a cell breaks the table: " + row);
    }
  }
}

package io.keel.raft.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The code the docs show is the code the build compiles and runs, character for character.
 *
 * <p>The marker convention. In a Markdown file ({@code README.md} or any {@code docs/*.md}), the line
 * <pre>{@code <!-- snippet: PATH#NAME -->}</pre>
 * right before a fenced code block (blank lines may come between) says that the block shows region
 * NAME of the file PATH, relative to the repository's root. In that file, region NAME is the lines
 * strictly between a line {@code // region NAME} and the next line {@code // endregion}, with the
 * indentation they all share removed; regions do not nest. The block's lines must equal the
 * region's exactly.
 *
 * <p>The test fails if a block differs from its region (naming the first line that differs), if a
 * marker names a missing file or region or is not followed by a block, if a quoted file has a
 * region that no doc shows (so a region cannot be added or its marker dropped unnoticed), or if
 * docs/snapshots.md quotes nothing.
 */
class DocSnippetsTest {

  private static final Pattern MARKER = Pattern.compile("^<!-- snippet: (\\S+)#(\\S+) -->$");
  private static final Pattern REGION = Pattern.compile("^\\s*// region (\\S+)$");
  private static final Pattern END_REGION = Pattern.compile("^\\s*// endregion$");
  private static final String FENCE = "```";

  /**
   * A fenced block of {@code doc} that shows region {@code region} of {@code file}; its first line of code is
   * line {@code line} of the doc, counted from 1.
   */
  private record Snippet(Path doc, int line, String file, String region, List<String> code) {
    String where() {
      return doc.getFileName() + ":" + line + " (" + file + "#" + region + ")";
    }
  }

  @Test
  void every_marked_block_in_the_docs_is_its_region_of_the_compiled_source() throws IOException {
    Path root = repositoryRoot();
    List<Snippet> snippets = new ArrayList<>();
    for (Path doc : markdownFiles(root)) {
      snippets.addAll(snippetsIn(doc));
    }
    assertTrue(snippets.stream().anyMatch(s -> s.doc().endsWith(Path.of("docs", "snapshots.md"))),
        "docs/snapshots.md quotes its example through snippet markers");
    Map<String, Set<String>> shown = new LinkedHashMap<>();
    for (Snippet snippet : snippets) {
      Path file = root.resolve(snippet.file());
      assertTrue(Files.isRegularFile(file), snippet.where() + ": no such file");
      Map<String, List<String>> regions = regionsOf(file);
      List<String> region = regions.get(snippet.region());
      if (region == null) {
        fail(snippet.where() + ": the file has no region " + snippet.region() + ", only " + regions.keySet());
      }
      assertShowsRegion(region, snippet);
      shown.computeIfAbsent(snippet.file(), f -> new TreeSet<>()).add(snippet.region());
    }
    for (Map.Entry<String, Set<String>> file : shown.entrySet()) {
      Set<String> unshown = new TreeSet<>(regionsOf(root.resolve(file.getKey())).keySet());
      unshown.removeAll(file.getValue());
      assertTrue(unshown.isEmpty(), file.getKey() + " has regions that no doc shows: " + unshown);
    }
  }

  @Test
  void a_block_edited_by_one_character_is_told_apart_from_its_region() {
    Snippet edited = new Snippet(Path.of("doc.md"), 3, "File.java", "r", List.of("int a = 1;", "int b = 2 ;"));
    AssertionError error = null;
    try {
      assertShowsRegion(List.of("int a = 1;", "int b = 2;"), edited);
    } catch (AssertionError e) {
      error = e;
    }
    assertTrue(error != null && error.getMessage().contains("doc.md:4"), "the difference is found and named: " + error);
  }

  @Test
  void a_region_loses_the_indentation_its_lines_share() {
    List<String> lines = List.of("class A {", "  // region r", "  void f() {", "", "    g();", "  }",
        "  // endregion", "}");
    Map<String, List<String>> regions = regions(lines, "A.java");
    assertEquals(List.of("void f() {", "", "  g();", "}"), regions.get("r"));
  }

  /** Fails naming the first line at which the block differs from the region. */
  private static void assertShowsRegion(List<String> region, Snippet snippet) {
    List<String> code = snippet.code();
    for (int i = 0; i < Math.max(region.size(), code.size()); i++) {
      String expected = i < region.size() ? region.get(i) : "(the region ends)";
      String actual = i < code.size() ? code.get(i) : "(the block ends)";
      if (!expected.equals(actual)) {
        fail(snippet.doc().getFileName() + ":" + (snippet.line() + i) + " differs from " + snippet.file() + "#"
            + snippet.region() + " at line " + (i + 1) + " of the block:\n  source: " + expected + "\n  doc:    "
            + actual);
      }
    }
  }

  /** The directory holding the reactor's pom.xml and docs/, found upwards from where the test runs. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("docs"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no directory with pom.xml and docs/ above " + Path.of("").toAbsolutePath());
  }

  private static List<Path> markdownFiles(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    if (Files.isRegularFile(root.resolve("README.md"))) {
      files.add(root.resolve("README.md"));
    }
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  private static List<Snippet> snippetsIn(Path doc) throws IOException {
    List<String> lines = readLines(doc);
    List<Snippet> snippets = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher marker = MARKER.matcher(lines.get(i).strip());
      if (!marker.matches()) {
        continue;
      }
      int open = i + 1;
      while (open < lines.size() && lines.get(open).isBlank()) {
        open++;
      }
      String where = doc.getFileName() + ":" + (i + 1);
      assertTrue(open < lines.size() && lines.get(open).startsWith(FENCE),
          where + ": a snippet marker not followed by a code block");
      int close = open + 1;
      while (close < lines.size() && !lines.get(close).equals(FENCE)) {
        close++;
      }
      assertTrue(close < lines.size(), where + ": the code block after the marker is never closed");
      snippets.add(new Snippet(doc, open + 2, marker.group(1), marker.group(2), lines.subList(open + 1, close)));
      i = close;
    }
    return snippets;
  }

  private static Map<String, List<String>> regionsOf(Path file) throws IOException {
    return regions(readLines(file), file.getFileName().toString());
  }

  /** The regions of a source file's lines, by name, each without the indentation its lines share. */
  private static Map<String, List<String>> regions(List<String> lines, String name) {
    Map<String, List<String>> regions = new LinkedHashMap<>();
    String open = null;
    int start = 0;
    for (int i = 0; i < lines.size(); i++) {
      Matcher region = REGION.matcher(lines.get(i));
      if (region.matches()) {
        assertTrue(open == null, name + ":" + (i + 1) + ": region " + region.group(1) + " inside region " + open);
        assertFalse(regions.containsKey(region.group(1)),
            name + ":" + (i + 1) + ": a second region " + region.group(1));
        open = region.group(1);
        start = i + 1;
      } else if (END_REGION.matcher(lines.get(i)).matches()) {
        assertTrue(open != null, name + ":" + (i + 1) + ": an endregion outside any region");
        regions.put(open, dedent(lines.subList(start, i)));
        open = null;
      }
    }
    assertTrue(open == null, name + ": region " + open + " is never closed");
    return regions;
  }

  private static List<String> dedent(List<String> lines) {
    int indent = lines.stream().filter(line -> !line.isBlank())
        .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
    return lines.stream().map(line -> line.isBlank() ? "" : line.substring(indent)).toList();
  }

  private static List<String> readLines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(line -> line.replace("\r", "")).toList();
  }
}

package io.keel.sim.mutation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a catalogue of {@link Mutant}s. Each mutant is a block of keyword lines, keywords at the
 * start of the line, the code in between indented as in the source:
 *
 * <pre>
 * mutant commit-old-term-by-counting
 * rule   the leader commits an entry of an earlier term by counting replicas (Raft paper §5.4.2)
 * file   raft-core/src/main/java/io/keel/raft/protocol/Leader.java
 * equivalent   (optional) why no run can tell this change from the code
 * find
 *     if (majorityIndex &gt; node.commitIndex() &amp;&amp; log.term(majorityIndex) == node.currentTerm()) {
 * replace
 *     if (majorityIndex &gt; node.commitIndex()) {
 * end
 * </pre>
 *
 * <p>Lines starting with {@code #} outside a block are comments.
 */
public final class MutantCatalogue {

  private MutantCatalogue() {}

  /**
   * The mutants in {@code text}, in order.
   *
   * @throws IllegalArgumentException naming the line, for a malformed block or a repeated name
   */
  public static List<Mutant> parse(String text) {
    List<Mutant> mutants = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String[] lines = text.split("\n", -1);
    int number = 0;
    while (number < lines.length) {
      String line = lines[number];
      if (line.isBlank() || line.startsWith("#")) {
        number++;
        continue;
      }
      if (!line.startsWith("mutant ")) {
        throw error(number, "expected 'mutant NAME', got '" + line + "'");
      }
      int start = number;
      String name = line.substring("mutant ".length()).trim();
      String rule = field(lines, ++number, "rule");
      String file = field(lines, ++number, "file");
      String equivalent = null;
      if (number + 1 < lines.length && lines[number + 1].startsWith("equivalent ")) {
        equivalent = field(lines, ++number, "equivalent");
      }
      expect(lines, ++number, "find");
      StringBuilder find = new StringBuilder();
      number = block(lines, number + 1, "replace", find);
      StringBuilder replace = new StringBuilder();
      number = block(lines, number + 1, "end", replace);
      number++;
      if (!names.add(name)) {
        throw error(start, "a second mutant named " + name);
      }
      try {
        mutants.add(new Mutant(name, rule, file, find.toString(), replace.toString(), equivalent));
      } catch (IllegalArgumentException e) {
        throw error(start, e.getMessage());
      }
    }
    return mutants;
  }

  private static String field(String[] lines, int number, String keyword) {
    if (number >= lines.length || !lines[number].startsWith(keyword + " ")) {
      throw error(number, "expected '" + keyword + " ...'");
    }
    return lines[number].substring(keyword.length()).trim();
  }

  private static void expect(String[] lines, int number, String keyword) {
    if (number >= lines.length || !lines[number].equals(keyword)) {
      throw error(number, "expected '" + keyword + "' alone on its line");
    }
  }

  /** Collects lines up to {@code terminator}, alone on its line; returns the terminator's line number. */
  private static int block(String[] lines, int number, String terminator, StringBuilder into) {
    for (int i = number; i < lines.length; i++) {
      if (lines[i].equals(terminator)) {
        return i;
      }
      into.append(i == number ? "" : "\n").append(lines[i]);
    }
    throw error(number, "no '" + terminator + "' line ends the block");
  }

  private static IllegalArgumentException error(int number, String message) {
    return new IllegalArgumentException("catalogue line " + (number + 1) + ": " + message);
  }
}

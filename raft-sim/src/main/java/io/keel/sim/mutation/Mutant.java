package io.keel.sim.mutation;

import java.util.Objects;

/**
 * One planted bug in the core: in {@code file}, the text {@code find}, which must occur exactly
 * once, becomes {@code replace}. The mutant is applied to a scratch copy, never to the project's
 * sources, so no production class carries a test hook.
 *
 * @param name a short name, such as {@code commit-old-term-by-counting}
 * @param rule the rule of the protocol the mutant breaks, in one line
 * @param file the source file, relative to the repository's root
 * @param find the exact text to replace
 * @param replace what it becomes
 * @param equivalentBecause why the mutant cannot change what any run observes (it is not a bug in
 *     this code, only a change), or null for a real bug; such a mutant is run all the same, and
 *     counts against the argument if a seed catches it
 */
public record Mutant(String name, String rule, String file, String find, String replace, String equivalentBecause) {

  /** Validates the fields. */
  public Mutant {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(find, "find");
    Objects.requireNonNull(replace, "replace");
    if (find.isEmpty()) {
      throw new IllegalArgumentException("mutant " + name + ": nothing to find");
    }
    if (find.equals(replace)) {
      throw new IllegalArgumentException("mutant " + name + ": the replacement changes nothing");
    }
  }

  /** A mutant that is a real bug. */
  public Mutant(String name, String rule, String file, String find, String replace) {
    this(name, rule, file, find, replace, null);
  }

  /** Whether the catalogue argues that no run can tell this mutant from the code. */
  public boolean equivalent() {
    return equivalentBecause != null;
  }

  /**
   * The source with this mutant applied.
   *
   * @throws IllegalArgumentException unless {@code find} occurs exactly once in {@code source}
   */
  public String applyTo(String source) {
    int first = source.indexOf(find);
    if (first < 0) {
      throw new IllegalArgumentException("mutant " + name + ": its text is no longer in " + file
          + "; update the catalogue to the code");
    }
    if (source.indexOf(find, first + 1) >= 0) {
      throw new IllegalArgumentException("mutant " + name + ": its text occurs more than once in " + file
          + "; make it longer so it names one place");
    }
    return source.substring(0, first) + replace + source.substring(first + find.length());
  }
}

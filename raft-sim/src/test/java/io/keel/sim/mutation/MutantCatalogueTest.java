package io.keel.sim.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue stays in step with the code: every mutant's text occurs exactly once in its file,
 * and the mutated file compiles. A refactoring that moves a mutant's code fails here, not silently
 * in a long mutation run.
 */
class MutantCatalogueTest {

  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  private static final Path CATALOGUE = REPOSITORY.resolve("raft-sim/mutants/core.mutants");

  @Test
  void the_catalogue_has_at_least_twenty_five_mutants_each_naming_its_rule() throws IOException {
    List<Mutant> mutants = MutantCatalogue.parse(Files.readString(CATALOGUE, StandardCharsets.UTF_8));
    assertTrue(mutants.size() >= 25, mutants.size() + " mutants");
    for (Mutant mutant : mutants) {
      assertTrue(mutant.rule().length() > 20, mutant.name() + " says which rule it breaks");
      assertTrue(Files.isRegularFile(REPOSITORY.resolve(mutant.file())), mutant.file());
    }
  }

  @Test
  void every_mutant_applies_to_the_current_code_and_compiles(@TempDir Path scratch) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    String classPath = System.getProperty("java.class.path");
    List<String> broken = new ArrayList<>();
    for (Mutant mutant : MutantCatalogue.parse(Files.readString(CATALOGUE, StandardCharsets.UTF_8))) {
      Path source = REPOSITORY.resolve(mutant.file());
      String mutated;
      try {
        mutated = mutant.applyTo(Files.readString(source, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        broken.add(e.getMessage());
        continue;
      }
      Path dir = Files.createDirectories(scratch.resolve(mutant.name()));
      Path copy = dir.resolve(source.getFileName().toString());
      Files.writeString(copy, mutated, StandardCharsets.UTF_8);
      StringWriter errors = new StringWriter();
      boolean ok = compiler.getTask(errors, null, null,
          List.of("-d", dir.toString(), "-cp", classPath, "--release", "17", "-proc:none", "-nowarn"), null,
          compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(copy.toFile()))
          .call();
      if (!ok) {
        broken.add(mutant.name() + " does not compile: " + errors);
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void a_mutant_must_name_one_place() {
    Mutant mutant = new Mutant("m", "a rule of some length here", "F.java", "x = 1;", "x = 2;");
    assertEquals("a; x = 2; b;", mutant.applyTo("a; x = 1; b;"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> mutant.applyTo("x = 1; x = 1;"))
        .getMessage().contains("more than once"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> mutant.applyTo("y = 1;"))
        .getMessage().contains("no longer in F.java"));
  }

  @Test
  void a_malformed_catalogue_names_the_line() {
    String text = "mutant a\nrule   r\nfile   f\nfind\n  x\nreplace\n  y\nend\n\nmutant a\nrule   r\nfile   f\nfind\n  x\n"
        + "replace\n  z\nend\n";
    assertEquals("catalogue line 10: a second mutant named a",
        assertThrows(IllegalArgumentException.class, () -> MutantCatalogue.parse(text)).getMessage());
    assertEquals("catalogue line 5: no 'replace' line ends the block",
        assertThrows(IllegalArgumentException.class, () -> MutantCatalogue.parse("mutant b\nrule x\nfile y\nfind\n  q\n"))
            .getMessage());
  }
}

package io.keel.sim.mutation;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raft-sim mutation-score}: how many of the catalogued bugs the simulator catches. For each
 * {@link Mutant} it compiles a mutated copy of one core class and runs a fixed budget of seeds
 * against it (half with three nodes, then, if none failed, half with five), and prints per mutant
 * whether a seed failed, the first failing seed and the checker that fired; then
 * {@code caught N of M}. Run it from the repository's root, with the simulator's jar built.
 */
@Command(
    name = "mutation-score",
    mixinStandardHelpOptions = true,
    description = "Plants each catalogued bug in a scratch copy of raft-core and reports which ones the "
        + "simulator catches within a seed budget.")
public final class MutationScoreCommand implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--catalogue", description = "The mutant catalogue (default: ${DEFAULT-VALUE}).")
  Path catalogue = Path.of("raft-sim/mutants/core.mutants");

  @Option(names = "--repository", description = "The repository's root, holding raft-core's sources "
      + "(default: the current directory).")
  Path repository = Path.of(".");

  @Option(names = "--seeds", description = "Seed budget per mutant, split evenly between 3 and 5 nodes "
      + "(default: ${DEFAULT-VALUE}).")
  long seeds = 2000;

  @Option(names = "--sim-seconds", description = "Simulated seconds per seed (default: ${DEFAULT-VALUE}).")
  long simulatedSeconds = 30;

  @Option(names = "--only", split = ",", description = "Run only these mutants, by name.")
  List<String> only;

  @Option(names = "--core-tests", description = "Also run raft-core's own tests on each mutant (slow: about a "
      + "minute each), for the combined score.")
  boolean coreTests;

  @Option(names = "--scratch", description = "Where mutated copies go (default: a new temporary directory).")
  Path scratch;

  @Option(names = "--sim-option", description = "An extra option for every simulator run, repeatable "
      + "(e.g. --sim-option=--faults=all).")
  List<String> simulatorOptions = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<Mutant> mutants = selected(MutantCatalogue.parse(Files.readString(catalogue, StandardCharsets.UTF_8)));
    Path dir = scratch != null ? Files.createDirectories(scratch) : Files.createTempDirectory("keel-mutants");
    List<String> options = new ArrayList<>(List.of("--sim-seconds", Long.toString(simulatedSeconds)));
    options.addAll(simulatorOptions);
    MutationRunner runner = new MutationRunner(repository, dir, System.getProperty("java.class.path"), options,
        Math.max(1, seeds / 2));
    out.printf(Locale.ROOT, "%d mutants, %,d seeds each at most (3 then 5 nodes, %d simulated s), scratch %s%n",
        mutants.size(), seeds, simulatedSeconds, dir);
    List<MutantOutcome> outcomes = new ArrayList<>();
    for (Mutant mutant : mutants) {
      MutantOutcome outcome = runner.run(mutant, coreTests);
      outcomes.add(outcome);
      out.println(MutationReport.line(outcome));
      out.flush();
    }
    out.println(MutationReport.summary(outcomes));
    out.flush();
    return 0;
  }

  private List<Mutant> selected(List<Mutant> all) {
    if (only == null || only.isEmpty()) {
      return all;
    }
    List<Mutant> chosen = new ArrayList<>();
    for (String name : only) {
      chosen.add(all.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() ->
          new CommandLine.ParameterException(spec.commandLine(), "no mutant named '" + name + "'; the catalogue has "
              + Arrays.toString(all.stream().map(Mutant::name).toArray()))));
    }
    return chosen;
  }
}

package io.keel.sim.cli;

import io.keel.sim.FaultSchedule;
import io.keel.sim.Nemesis;
import io.keel.sim.Shrinker;
import io.keel.sim.SimulationReport;
import io.keel.sim.linearizability.cli.CheckHistoryCommand;
import io.keel.sim.linearizability.cli.GenHistoryCommand;
import io.keel.sim.mutation.MutationScoreCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code raft-sim.jar} command line. Without {@code --seeds} it runs one seed and prints its
 * summary; with {@code --seeds N} it runs N seeds on all cores and ends with one summary line (a
 * JSON object with {@code --json}); {@code --replay SEED} prints a seed's full event trace and
 * {@code --shrink SEED} makes its fault schedule smaller; {@code --trace-json FILE} writes a single
 * run's events as JSON. Sub-commands draw a seed's run in a web page ({@code view}), study election
 * timing, score the checkers against planted bugs, and check or generate key-value histories.
 */
@Command(
    name = "raft-sim",
    mixinStandardHelpOptions = true,
    description = "Keel's deterministic Raft simulator: runs the real raft-core under simulated time and faults.",
    subcommands = {CheckHistoryCommand.class, GenHistoryCommand.class, ElectionStudyCommand.class,
        MutationScoreCommand.class, ViewCommand.class})
public final class SimCommand implements Callable<Integer> {

  /** The most worker threads {@code --threads} accepts. */
  static final int MAX_THREADS = 1024;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--seed", description = "The seed of a single run (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--seeds", description = "Run this many seeds, from --start-seed, on all cores.")
  Long seeds;

  @Option(names = "--start-seed", description = "The first seed of --seeds (default: ${DEFAULT-VALUE}).")
  long startSeed = 1;

  @Mixin
  RunOptions run;

  @Option(names = "--threads", description = "Worker threads for --seeds (default: the number of cores).")
  int threads = Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);

  @Option(names = "--json", description = "With --seeds: end with one JSON line of totals.")
  boolean json;

  @Option(names = "--stop-on-failure", description = "With --seeds: start no seed above the first failing one; "
      + "the first failure reported is then the lowest failing seed.")
  boolean stopOnFailure;

  @Option(names = "--replay", paramLabel = "SEED", description = "Run one seed and print its full event trace.")
  Long replay;

  @Option(names = "--shrink", paramLabel = "SEED", description = "Shrink a failing seed's fault schedule.")
  Long shrink;

  @Option(names = "--trace-json", paramLabel = "FILE", description = "With --seed or --replay: also write every "
      + "event of the run to FILE as JSON (format keel-sim-trace, version 1; see docs/simulator.md).")
  Path traceJson;

  @Option(names = "--max-shrink-runs", description = "Most runs --shrink may take (default: ${DEFAULT-VALUE}).")
  int maxShrinkRuns = 400;

  @Override
  public Integer call() throws Exception {
    RunSettings settings = settings();
    PrintWriter out = spec.commandLine().getOut();
    if (shrink != null) {
      return shrink(settings, shrink, out);
    }
    FaultSchedule schedule = run.schedule(spec.commandLine());
    if (replay != null || seeds == null) {
      long runSeed = replay != null ? replay : seed;
      SimulationReport report = traceJson == null
          ? settings.run(runSeed, schedule, replay != null ? out::println : null)
          : TraceRun.writeFile(settings, runSeed, schedule, replay != null ? out::println : null, traceJson);
      if (replay != null) {
        out.println(settings.protocolOf(replay));
        out.println(report.summary());
        out.println("trace hash " + Long.toHexString(report.traceHash()));
      } else {
        out.println(report.summary());
        out.println("  protocol: " + settings.protocolOf(seed));
      }
      if (traceJson != null) {
        out.println("JSON trace written to " + traceJson);
      }
      out.flush();
      return report.ok() ? 0 : 1;
    }
    ProgressBar progress = new ProgressBar(System.console() != null && !json ? System.err : null);
    SeedRunner.Totals totals = new SeedRunner(settings, threads, out, progress, stopOnFailure).run(startSeed, seeds);
    out.println(json ? totals.json() : totals.summary(settings));
    out.flush();
    return totals.violations() + totals.livelocks() == 0 ? 0 : 1;
  }

  private int shrink(RunSettings settings, long failingSeed, PrintWriter out) throws IOException {
    FaultSchedule original = Nemesis.scheduleOf(settings.configFor(failingSeed));
    SimulationReport failure = settings.run(failingSeed, original, null);
    if (failure.ok()) {
      out.println("seed " + failingSeed + " does not fail with " + settings.options() + ": nothing to shrink");
      return 1;
    }
    out.println("seed " + failingSeed + " fails: " + failure.violation());
    out.println("shrinking " + original.faults().size() + " faults...");
    Shrinker.Result result = new Shrinker(schedule -> settings.run(failingSeed, schedule, null), failure, maxShrinkRuns)
        .shrink(original);
    Path file = Path.of("shrunk-seed-" + failingSeed + ".schedule");
    Files.writeString(file, result.schedule().describe(), StandardCharsets.UTF_8);
    out.println("after " + result.runs() + " runs, " + result.schedule().faults().size() + " faults still fail: "
        + result.report().violation());
    out.print(result.schedule().describe());
    out.println("written to " + file + "; replay it with:");
    out.println("  java -jar raft-sim/target/raft-sim.jar --replay " + failingSeed + " --schedule " + file + " "
        + settings.options());
    out.flush();
    return 0;
  }

  /** The run's settings, every option checked: a bad one is a usage error naming it. */
  private RunSettings settings() {
    if (seeds != null && seeds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
    }
    if (threads < 1 || threads > MAX_THREADS) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--threads must be in [1, " + MAX_THREADS + "], got " + threads);
    }
    if (maxShrinkRuns < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max-shrink-runs must be at least 1, got "
          + maxShrinkRuns);
    }
    if (traceJson != null && (seeds != null || shrink != null)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--trace-json writes the trace of one run: use it with --seed or --replay");
    }
    if (traceJson != null) {
      TraceRun.checkWritable(spec.commandLine(), "--trace-json", traceJson);
    }
    return run.settings(spec.commandLine(), seed);
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, configured as {@link #main} runs it: bad arguments are one line and exit 2. */
  public static CommandLine commandLine() {
    return CommandLines.withPlainErrors(new CommandLine(new SimCommand()).setCaseInsensitiveEnumValuesAllowed(true));
  }
}

package io.keel.sim.cli;

import io.keel.sim.study.CdfPlot;
import io.keel.sim.study.CellSummary;
import io.keel.sim.study.ElectionStudy;
import io.keel.sim.study.ElectionTrial;
import io.keel.sim.study.PaperFigure16;
import io.keel.sim.study.StudyCell;
import io.keel.sim.study.TimeoutRange;
import io.keel.sim.study.TrialResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raft-sim.jar election-study}: the election-timing study of the Raft paper's Figure 16 on
 * Keel's real protocol code. Prints one table row per range and PreVote setting, with the paper's
 * figures beside Keel's, and can write every trial as CSV and the CDFs as an SVG plot.
 */
@Command(
    name = "election-study",
    mixinStandardHelpOptions = true,
    description = "Times leader elections after a leader crash, as in the Raft paper's Figure 16: 5 nodes, "
        + "one-way delay 5-10 ms, the leader crashed at a random point of its heartbeat interval.")
public final class ElectionStudyCommand implements Callable<Integer> {

  /** Whether to run PreVote off, on, or both. */
  enum PreVoteSetting { OFF, ON, BOTH }

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--trials", description = "Trials per range and setting (default: ${DEFAULT-VALUE}).")
  int trials = 1000;

  @Option(names = "--fixed-trials", description = "Trials for ranges without randomness (MIN = MAX), which the "
      + "paper ran 100 of, as they take far longer (default: --trials).")
  Integer fixedTrials;

  @Option(names = "--ranges", description = "Election timeout ranges in ms, comma-separated MIN-MAX "
      + "(default: the paper's ten, 150-150,...,150-300,12-24,25-50,50-100,100-200).")
  String ranges;

  @Option(names = "--pre-vote", description = "off, on, or both (default: ${DEFAULT-VALUE}).")
  PreVoteSetting preVote = PreVoteSetting.BOTH;

  @Option(names = "--check-quorum", arity = "1", description = "CheckQuorum on every run: true or false; the paper "
      + "had none (default: ${DEFAULT-VALUE}).")
  boolean checkQuorum;

  @Option(names = "--start-seed", description = "Seed of each cell's first trial (default: ${DEFAULT-VALUE}).")
  long startSeed = 1;

  @Option(names = "--cap-seconds", description = "Simulated seconds after the crash before a trial gives up "
      + "(default: ${DEFAULT-VALUE}).")
  long capSeconds = 600;

  @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--csv", paramLabel = "FILE", description = "Write every trial's time and messages as CSV.")
  Path csv;

  @Option(names = "--svg", paramLabel = "FILE", description = "Write the CDF plot as SVG.")
  Path svg;

  @Override
  public Integer call() throws IOException, InterruptedException {
    List<StudyCell> cells = cells();
    int[] counts = new int[cells.size()];
    for (int i = 0; i < cells.size(); i++) {
      counts[i] = cells.get(i).range().spreadMillis() == 0 && fixedTrials != null ? fixedTrials : trials;
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long startWall = System.nanoTime();
    List<ElectionStudy.CellResults> results = new ElectionStudy(cells, counts, startSeed,
        Duration.ofSeconds(capSeconds)).run(threads, done -> {
          synchronized (err) {
            err.printf(Locale.ROOT, "%s: %d trials done after %.1f s%n", done.cell().label(), done.trials().size(),
                (System.nanoTime() - startWall) / 1e9);
            err.flush();
          }
        });
    double wallSeconds = (System.nanoTime() - startWall) / 1e9;
    printTable(results, out);
    long events = results.stream().mapToLong(cell -> cell.summary().events()).sum();
    out.printf(Locale.ROOT, "%,d trials, %,d events in %.1f s (%,.0f events/s) on %d threads%n",
        results.stream().mapToInt(cell -> cell.trials().size()).sum(), events, wallSeconds, events / wallSeconds,
        threads);
    if (csv != null) {
      Files.writeString(csv, csv(results), StandardCharsets.UTF_8);
      out.println("trials written to " + csv);
    }
    if (svg != null) {
      Files.writeString(svg, CdfPlot.render(results), StandardCharsets.UTF_8);
      out.println("CDF plot written to " + svg);
    }
    out.flush();
    return 0;
  }

  private List<StudyCell> cells() {
    if (trials < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--trials must be at least 1, got " + trials);
    }
    if (fixedTrials != null && fixedTrials < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--fixed-trials must be at least 1, got " + fixedTrials);
    }
    if (capSeconds < 1 || capSeconds > 3600) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--cap-seconds must be in [1, 3600], got " + capSeconds);
    }
    if (threads < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threads);
    }
    List<TimeoutRange> parsed;
    try {
      parsed = ranges == null ? TimeoutRange.PAPER : TimeoutRange.parseList(ranges);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--ranges: " + e.getMessage());
    }
    List<StudyCell> cells = new ArrayList<>();
    for (boolean on : new boolean[] {false, true}) {
      if (preVote == PreVoteSetting.BOTH || (preVote == PreVoteSetting.ON) == on) {
        for (TimeoutRange range : parsed) {
          cells.add(new StudyCell(range, on, checkQuorum));
        }
      }
    }
    return cells;
  }

  private static void printTable(List<ElectionStudy.CellResults> results, PrintWriter out) {
    out.println("5 nodes, one-way delay " + ElectionTrial.NETWORK.describe() + ", heartbeat = min timeout / 2; "
        + "times in ms from the leader's crash to a new leader");
    out.printf(Locale.ROOT, "%-9s %-8s %6s %6s %8s %9s %9s %9s %8s %9s | %9s %9s %9s%n", "range", "pre-vote",
        "trials", "capped", "no-crash", "median", "p99", "max", "msgs", "elections", "paper med", "paper p99", "paper max");
    for (ElectionStudy.CellResults cell : results) {
      CellSummary summary = cell.summary();
      PaperFigure16.Figures paper = PaperFigure16.of(cell.cell().range());
      out.printf(Locale.ROOT, "%-9s %-8s %6d %6d %8d %9.1f %9.1f %9.1f %8.1f %9.2f | %9s %9s %9s%n",
          cell.cell().range(), cell.cell().preVote() ? "on" : "off", summary.trials(), summary.timedOut(),
          summary.noLeaderToCrash(),
          summary.medianMillis(), summary.p99Millis(), summary.maxMillis(), summary.meanMessages(),
          summary.meanElections(), paper == null ? "-" : paper.medianMillis(),
          paper == null ? "-" : paper.p99Millis(), paper == null ? "-" : paper.maxMillis());
    }
  }

  private static String csv(List<ElectionStudy.CellResults> results) {
    StringBuilder text = new StringBuilder("range,pre_vote,check_quorum,seed,outcome,time_to_leader_ms,messages,"
        + "elections\n");
    for (ElectionStudy.CellResults cell : results) {
      for (TrialResult trial : cell.trials()) {
        text.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%s,%.3f,%d,%d%n", cell.cell().range(),
            cell.cell().preVote() ? "on" : "off", cell.cell().checkQuorum() ? "on" : "off", trial.seed(),
            trial.outcome().name().toLowerCase(Locale.ROOT), trial.timeToLeaderNanos() / 1e6, trial.messages(),
            trial.elections()));
      }
    }
    return text.toString();
  }
}

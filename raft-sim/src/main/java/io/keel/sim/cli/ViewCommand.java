package io.keel.sim.cli;

import io.keel.sim.Durations;
import io.keel.sim.FaultSchedule;
import io.keel.sim.TraceRecorder;
import io.keel.sim.trace.TracePage;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code raft-sim view SEED}: runs one seed, with the same options as any run, and writes a
 * self-contained HTML page that draws it ({@link TracePage}): one lane per node, roles and terms,
 * messages, faults, commits, and the failure where it was caught. Prints the page's path.
 */
@Command(
    name = "view",
    mixinStandardHelpOptions = true,
    description = {"Runs one seed and writes a self-contained HTML page that draws it: lanes per node, roles and terms, "
        + "messages, faults, commits, the failure where it was caught. Opens offline in any browser.",
        "Without --from, the page holds the --max-events events that end at --until, or at the failure of a "
            + "failing seed; a passing seed without --until shows its first --max-events events."})
final class ViewCommand implements Callable<Integer> {

  /** How many events a page holds unless told otherwise: enough for seconds of a busy cluster, and still quick. */
  static final long DEFAULT_MAX_EVENTS = 20_000;
  /** The most events a page may hold: past that a browser struggles. */
  static final long MAX_EVENTS = 2_000_000;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SEED", description = "The seed to run and draw.")
  long seed;

  @Mixin
  RunOptions run;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write the page (default: keel-trace-SEED.html).")
  Path out;

  @Option(names = "--from", paramLabel = "TIME", description = "Draw from this simulated time on, e.g. 2.5s or 300ms.")
  String from;

  @Option(names = "--until", paramLabel = "TIME", description = "Draw up to this simulated time.")
  String until;

  @Option(names = "--max-events", description = "The most events the page holds (default: ${DEFAULT-VALUE}).")
  long maxEvents = DEFAULT_MAX_EVENTS;

  @Override
  public Integer call() throws Exception {
    CommandLine commandLine = spec.commandLine();
    RunSettings settings = run.settings(commandLine, seed);
    FaultSchedule schedule = run.schedule(commandLine);
    Path page = out != null ? out : Path.of("keel-trace-" + seed + ".html");
    TraceRun.checkWritable(commandLine, "--out", page);
    if (maxEvents < 1 || maxEvents > MAX_EVENTS) {
      throw new CommandLine.ParameterException(commandLine, "--max-events must be in [1, " + MAX_EVENTS + "], got "
          + maxEvents);
    }
    long untilNanos = until == null ? Long.MAX_VALUE : nanos("--until", until);
    long fromNanos = from == null ? windowStart(settings, schedule, untilNanos) : nanos("--from", from);
    if (fromNanos > untilNanos) {
      throw new CommandLine.ParameterException(commandLine, "--from " + from + " is after --until " + until);
    }
    // A window chosen to end at the failure holds --max-events already (and a few more that share
    // its first instant): it is not cut, lest the failure be cut off.
    long limit = from == null && fromNanos > 0 ? Long.MAX_VALUE : maxEvents;
    StringBuilder json = new StringBuilder(1 << 20);
    TraceRun.Result result = TraceRun.write(settings, seed, schedule,
        new TraceRecorder.Window(fromNanos, untilNanos, limit), null, json);
    Files.writeString(page, TracePage.render(json.toString(), "Keel trace: seed " + seed + " " + settings.options()),
        StandardCharsets.UTF_8);
    PrintWriter printer = commandLine.getOut();
    printer.println(page.toAbsolutePath().normalize());
    printer.println(describe(result));
    printer.flush();
    return 0;
  }

  /**
   * Where the window starts when {@code --from} is not given: so that it holds the last
   * {@code --max-events} events before the failure or {@code --until}; at 0 for a passing run
   * without {@code --until}. Takes a run of its own, writing nowhere.
   */
  private long windowStart(RunSettings settings, FaultSchedule schedule, long untilNanos) {
    TraceRun.EventTimes events = TraceRun.eventTimes(settings, seed, schedule, untilNanos);
    long[] times = events.timesNanos();
    if ((until == null && !events.failed()) || times.length <= maxEvents) {
      return 0;
    }
    return times[(int) (times.length - maxEvents)];
  }

  private long nanos(String option, String text) {
    try {
      return Durations.parse(text).toNanos();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  private String describe(TraceRun.Result result) {
    String events = String.format(Locale.ROOT, "%,d events%s", result.eventsWritten(),
        result.truncated() ? " (cut at --max-events)" : "");
    if (result.report().ok()) {
      return "seed " + seed + ": every property held; the page draws " + events;
    }
    return "seed " + seed + " " + (result.report().livelock() ? "LIVELOCK" : "VIOLATION") + ": "
        + result.report().violation() + "; the page draws " + events
        + (result.violationEvent() >= 0 ? ", the failure marked at event " + (result.violationEvent() + 1) : "");
  }
}

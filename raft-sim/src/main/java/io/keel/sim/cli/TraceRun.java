package io.keel.sim.cli;

import io.keel.sim.FaultSchedule;
import io.keel.sim.Simulation;
import io.keel.sim.SimulationReport;
import io.keel.sim.TraceRecorder;
import io.keel.sim.trace.JsonWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * Runs one seed while writing its JSON trace: the document of format {@code keel-sim-trace},
 * version {@value #VERSION} (every field in {@code docs/simulator.md}) — what ran (seed, options,
 * schedule), the window recorded, the events, and the checker's verdict with the event where it
 * caught a failure. The same seed and options give the same document, byte for byte.
 */
final class TraceRun {

  /** The format's name, the document's {@code format} field. */
  static final String FORMAT = "keel-sim-trace";
  /** The format's version: raised whenever a field changes meaning or goes away. */
  static final int VERSION = 1;

  /** What a traced run did, and how much of it the trace holds. */
  record Result(SimulationReport report, long eventsWritten, boolean truncated, long violationEvent) {}

  private TraceRun() {}

  /** Runs {@code seed}, writing the whole run's trace to {@code file} as it goes. */
  static SimulationReport writeFile(RunSettings settings, long seed, FaultSchedule schedule, Consumer<String> textTrace,
      Path file) throws IOException {
    try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
      return write(settings, seed, schedule, TraceRecorder.Window.all(), textTrace, out).report();
    }
  }

  /** Runs {@code seed} under {@code schedule} (null: the drawn one), writing the events in {@code window} to {@code out}. */
  static Result write(RunSettings settings, long seed, FaultSchedule schedule, TraceRecorder.Window window,
      Consumer<String> textTrace, Appendable out) {
    Simulation<?> simulation = settings.simulation(seed, schedule);
    if (textTrace != null) {
      simulation.traceTo(textTrace);
    }
    JsonWriter json = new JsonWriter(out);
    json.beginObject().field("format", FORMAT).field("version", VERSION).newline()
        .field("seed", seed).field("nodes", settings.nodes()).field("lanes", simulation.nodes().size())
        .field("options", settings.options()).field("protocol", settings.protocolOf(seed)).newline()
        .field("schedule", simulation.schedule().describe()).newline()
        .name("window").beginObject().field("fromNanos", window.fromNanos());
    nullable(json, "untilNanos", window.untilNanos());
    nullable(json, "maxEvents", window.maxEvents());
    json.endObject().newline().name("events").beginArray();
    TraceRecorder recorder = new TraceRecorder(window, json);
    SimulationReport report = simulation.recordTrace(recorder).run();
    recorder.finish();
    json.newline().endArray().newline()
        .field("eventCount", recorder.written()).field("truncated", recorder.truncated()).newline()
        .name("verdict").beginObject().field("ok", report.ok()).field("livelock", report.livelock())
        .field("violation", report.violation());
    nullable(json, "event", recorder.violationEvent() < 0 ? Long.MAX_VALUE : recorder.violationEvent());
    json.field("atNanos", report.simulatedNanos()).endObject().newline()
        .name("totals").beginObject().field("simulatedNanos", report.simulatedNanos()).field("events", report.events())
        .field("messagesSent", report.messagesSent()).field("messagesDropped", report.messagesDropped())
        .field("termsWithLeader", report.termsWithLeader()).field("committed", report.committed())
        .field("crashes", report.crashes()).field("partitions", report.partitions()).endObject().newline()
        .endObject();
    appendNewline(out);
    return new Result(report, recorder.written(), recorder.truncated(), recorder.violationEvent());
  }

  /** When each event of a run's trace happens, and whether the run failed. */
  record EventTimes(long[] timesNanos, boolean failed) {}

  /**
   * The simulated times of every event a run's trace holds up to {@code untilNanos}, from a run
   * that writes nowhere: how a window that ends at a failure is chosen.
   */
  static EventTimes eventTimes(RunSettings settings, long seed, FaultSchedule schedule, long untilNanos) {
    JsonWriter nowhere = new JsonWriter(Writer.nullWriter()).beginArray();
    TraceRecorder recorder = new TraceRecorder(new TraceRecorder.Window(0, untilNanos, Long.MAX_VALUE), nowhere)
        .keepingEventTimes();
    SimulationReport report = settings.simulation(seed, schedule).recordTrace(recorder).run();
    recorder.finish();
    return new EventTimes(recorder.eventTimes(), !report.ok());
  }

  /** Refuses, as a usage error, a {@code file} that cannot be written: a directory, or in no writable directory. */
  static void checkWritable(CommandLine commandLine, String option, Path file) {
    Path parent = file.toAbsolutePath().getParent();
    String problem = Files.isDirectory(file) ? "it is a directory"
        : parent == null || !Files.isDirectory(parent) ? "no such directory " + parent
        : !Files.isWritable(parent) || (Files.exists(file) && !Files.isWritable(file)) ? "permission denied"
        : null;
    if (problem != null) {
      throw new CommandLine.ParameterException(commandLine, option + ": cannot write " + file + ": " + problem);
    }
  }

  /** A number, or null for {@link Long#MAX_VALUE} (no bound). */
  private static void nullable(JsonWriter json, String name, long value) {
    if (value == Long.MAX_VALUE) {
      json.name(name).nullValue();
    } else {
      json.field(name, value);
    }
  }

  private static void appendNewline(Appendable out) {
    try {
      out.append('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.keel.sim.linearizability.cli;

import io.keel.sim.linearizability.RegisterHistoryGenerator;
import io.keel.sim.linearizability.RegisterHistoryGenerator.Anomaly;
import io.keel.sim.linearizability.RegisterHistoryGenerator.Settings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gen-history}: writes a seeded random history of a simulated atomic register, optionally
 * with an injected anomaly, or a deliberately too-concurrent one. Used to reproduce the checker's
 * benchmark figures and to try the checker out.
 */
@Command(
    name = "gen-history",
    mixinStandardHelpOptions = true,
    description = "Writes a seeded random key-value history from a simulated atomic register.")
public final class GenHistoryCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "where to write the history")
  private Path output;

  @Option(names = "--ops", defaultValue = "1000",
      description = "operations (default ${DEFAULT-VALUE})")
  private int operations;

  @Option(names = "--keys", defaultValue = "10", description = "keys (default ${DEFAULT-VALUE})")
  private int keys;

  @Option(names = "--processes", defaultValue = "10",
      description = "concurrent clients (default ${DEFAULT-VALUE})")
  private int processes;

  @Option(names = "--seed", defaultValue = "1",
      description = "random seed (default ${DEFAULT-VALUE})")
  private long seed;

  @Option(names = "--info-rate", defaultValue = "0.0",
      description = "share of operations whose outcome is unknown (default ${DEFAULT-VALUE})")
  private double infoRate;

  @Option(names = "--max-latency-ns", defaultValue = "1000000",
      description = "longest wait before and after an operation takes effect"
          + " (default ${DEFAULT-VALUE})")
  private long maxLatencyNanos;

  @Option(names = "--anomaly", defaultValue = "NONE",
      description = "inject one anomaly: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
  private Anomaly anomaly;

  @Option(names = "--too-concurrent", paramLabel = "WRITERS",
      description = "instead, write WRITERS overlapping writes and an impossible read: a history"
          + " whose check is exponential and must end as unknown")
  private Integer tooConcurrentWriters;

  @Override
  public Integer call() throws IOException {
    Settings settings = tooConcurrentWriters == null ? settings() : null;
    if (tooConcurrentWriters != null && tooConcurrentWriters < 1) {
      throw new ParameterException(spec.commandLine(), "--too-concurrent needs a writer");
    }
    try (Writer out = new BufferedWriter(
        Files.newBufferedWriter(output, StandardCharsets.UTF_8), 1 << 16)) {
      if (tooConcurrentWriters != null) {
        RegisterHistoryGenerator.generateTooConcurrent(tooConcurrentWriters, out);
      } else {
        RegisterHistoryGenerator.generate(settings, out);
      }
    }
    return 0;
  }

  private Settings settings() {
    try {
      return new Settings(operations, keys, processes, seed, infoRate, maxLatencyNanos, anomaly);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}

package io.keel.sim.cli;

import io.keel.sim.FaultKind;
import io.keel.sim.FaultSchedule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options that say how a seed runs — cluster size, faults, simulated time, protocol settings,
 * workload, a scripted schedule — shared by the main command and {@code view}, so that a seed
 * found failing by one runs exactly the same in the other.
 */
final class RunOptions {

  @Option(names = "--nodes", description = "Cluster size, 1 to 9 (default: ${DEFAULT-VALUE}).")
  int nodes = 3;

  @Option(names = "--faults", description = "all, none, or a list of: drop, duplicate, delay, partition, crash, "
      + "pause, disk, clock, rogue; 'all' is every kind but rogue, e.g. all,rogue (default: ${DEFAULT-VALUE}).")
  String faults = "all";

  @Option(names = "--sim-seconds", description = "Simulated seconds per seed, the final heal included "
      + "(default: ${DEFAULT-VALUE}).")
  long simulatedSeconds = 30;

  @Option(names = "--protocol", description = "The protocol's batch size, window, timeouts and the client load: "
      + "swarm (each seed draws them) or defaults (default: ${DEFAULT-VALUE}).")
  RunSettings.Protocol protocol = RunSettings.Protocol.SWARM;

  @Option(names = "--pre-vote", description = "PreVote: on, off, or swarm (each seed draws it) (default: ${DEFAULT-VALUE}).")
  RunSettings.Toggle preVote = RunSettings.Toggle.SWARM;

  @Option(names = "--check-quorum", description = "CheckQuorum: on, off, or swarm (default: ${DEFAULT-VALUE}).")
  RunSettings.Toggle checkQuorum = RunSettings.Toggle.SWARM;

  @Option(names = "--workload", description = "counter (adds to one counter) or kv (reads, writes and "
      + "compare-and-sets on a few keys, through client sessions; every history checked for linearizability) "
      + "(default: ${DEFAULT-VALUE}).")
  RunSettings.WorkloadKind workload = RunSettings.WorkloadKind.COUNTER;

  @Option(names = "--schedule", paramLabel = "FILE", description = "Run the seed under the fault schedule in FILE, "
      + "as --shrink writes it, instead of the one the seed draws.")
  Path scheduleFile;

  /** The run's settings, every option checked with {@code seed}: a bad one is a usage error naming it. */
  RunSettings settings(CommandLine commandLine, long seed) {
    try {
      RunSettings settings = new RunSettings(nodes, simulatedSeconds, faults, FaultKind.parse(faults), protocol,
          preVote, checkQuorum, workload);
      settings.configFor(seed); // checks the cluster size and the simulated time
      return settings;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage());
    }
  }

  /** The schedule {@code --schedule} names, or null if none: one that cannot be read is a usage error. */
  FaultSchedule schedule(CommandLine commandLine) throws IOException {
    if (scheduleFile == null) {
      return null;
    }
    if (!Files.isRegularFile(scheduleFile) || !Files.isReadable(scheduleFile)) {
      throw new CommandLine.ParameterException(commandLine, "--schedule: cannot read " + scheduleFile);
    }
    try {
      return FaultSchedule.parse(nodes, Files.readString(scheduleFile, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, "--schedule " + scheduleFile + ": " + e.getMessage());
    }
  }
}

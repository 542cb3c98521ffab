package io.keel.sim.cli;

import io.keel.sim.CounterStateMachine;
import io.keel.sim.Simulation;
import io.keel.sim.SimulationConfig;
import io.keel.sim.SimulationReport;
import io.keel.sim.linearizability.cli.CheckHistoryCommand;
import io.keel.sim.linearizability.cli.GenHistoryCommand;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code raft-sim.jar} command line: runs a simulation of the default scenario (a replicated
 * counter under message loss and leader crashes) and prints its summary; its sub-commands check
 * and generate key-value histories ({@code check-history}, {@code gen-history}).
 */
@Command(
    name = "raft-sim",
    mixinStandardHelpOptions = true,
    description = "Keel's deterministic Raft simulator: runs the real raft-core under simulated time and faults.",
    subcommands = {CheckHistoryCommand.class, GenHistoryCommand.class})
public final class SimCommand implements Callable<Integer> {

  @Option(names = "--seed", description = "Seed that decides every random choice (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--nodes", description = "Cluster size, 1 to 9 (default: ${DEFAULT-VALUE}).")
  int nodes = 3;

  @Option(names = "--sim-seconds", description = "Simulated seconds to run (default: ${DEFAULT-VALUE}).")
  long simulatedSeconds = 30;

  @Override
  public Integer call() {
    SimulationConfig config = SimulationConfig.defaults(seed)
        .withNodes(nodes)
        .withSimulatedTime(Duration.ofSeconds(simulatedSeconds));
    SimulationReport report =
        new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
    System.out.println(report.summary());
    return report.safe() ? 0 : 1;
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new SimCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }
}

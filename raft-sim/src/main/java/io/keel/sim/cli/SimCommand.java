package io.keel.sim.cli;

import io.keel.sim.linearizability.cli.CheckHistoryCommand;
import io.keel.sim.linearizability.cli.GenHistoryCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code raft-sim.jar} command line: runs simulations, and hosts the simulator's sub-commands.
 */
@Command(
    name = "raft-sim",
    mixinStandardHelpOptions = true,
    description = "Keel's deterministic Raft simulator.",
    subcommands = {CheckHistoryCommand.class, GenHistoryCommand.class})
public final class SimCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.out.println("raft-sim: no simulation is wired up yet");
    return 0;
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new SimCommand()).execute(args));
  }
}

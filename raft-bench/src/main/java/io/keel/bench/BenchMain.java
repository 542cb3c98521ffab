package io.keel.bench;

import io.keel.bench.cluster.NodeCommand;
import io.keel.bench.cluster.ReadsCommand;
import io.keel.bench.cluster.W1Command;
import io.keel.bench.limits.LimitsCommand;
import io.keel.bench.snapshot.CatchUpCommand;
import io.keel.sim.cli.CommandLines;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmark jar's front door: {@code w1} (cluster throughput and latency), {@code catch-up} (a
 * new node catching up by InstallSnapshot, and a restart from a snapshot), {@code limits} (the
 * machine's fsync and loopback round trip, and optionally its disk and loopback bandwidth) and
 * {@code jmh} (the microbenchmarks; everything after it goes to JMH).
 */
@Command(name = "raft-bench", mixinStandardHelpOptions = true,
    description = "Keel's benchmarks.",
    subcommands = {W1Command.class, ReadsCommand.class, CatchUpCommand.class, LimitsCommand.class, NodeCommand.class})
public final class BenchMain {

  BenchMain() {}

  /** Runs a sub-command; {@code jmh ARGS} runs JMH with ARGS. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jmh")) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    System.exit(commandLine().execute(args));
  }

  /** The command line, configured as {@link #main} runs it: bad arguments are one line and exit 2. */
  public static CommandLine commandLine() {
    return CommandLines.withPlainErrors(new CommandLine(new BenchMain()));
  }
}

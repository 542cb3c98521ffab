package io.keel.kv.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code keel-kv}: runs the replicated key-value service, one node or a local demo cluster, and administers it. */
@Command(
    name = "keel-kv",
    mixinStandardHelpOptions = true,
    version = "keel-kv 0.1.0",
    description = "Keel's replicated key-value service: Redis clients talk to it, Raft keeps its copies alike.",
    subcommands = {DemoCommand.class, ServerCommand.class, StatusCommand.class, AdminCommand.class,
        LoadCommand.class})
public final class KeelKv implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line {@code args}; exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, for tests: execute it instead of {@link #main}. */
  public static CommandLine commandLine() {
    return new CommandLine(new KeelKv()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }
}

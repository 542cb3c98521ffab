package io.keel.sim.cli;

import java.nio.file.FileSystemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * How Keel's command lines (raft-sim.jar, raft-bench.jar) report trouble: a bad argument (an unknown option, a value that does
 * not parse or is out of range) is one line on standard error naming it, and exit status 2; a
 * failure while running is one line too, and exit status 1. Neither prints a stack trace: a
 * failure's trace goes to the log at DEBUG ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug}
 * shows it).
 */
public final class CommandLines {

  private static final Logger LOG = LoggerFactory.getLogger(CommandLines.class);

  /** The exit status of a failure while running. */
  public static final int EXIT_FAILED = 1;

  private CommandLines() {}

  /** Makes {@code commandLine} and all its sub-commands report trouble as described above. */
  public static CommandLine withPlainErrors(CommandLine commandLine) {
    commandLine.setParameterExceptionHandler((problem, args) -> {
      CommandLine command = problem.getCommandLine();
      String name = command.getCommandSpec().qualifiedName();
      command.getErr().println(name + ": " + problem.getMessage() + " (see " + name + " --help)");
      command.getErr().flush();
      return command.getCommandSpec().exitCodeOnInvalidInput();
    });
    commandLine.setExecutionExceptionHandler((failure, command, parsed) -> {
      String name = command.getCommandSpec().qualifiedName();
      command.getErr().println(name + ": failed: " + describe(failure));
      command.getErr().flush();
      LOG.debug("{} failed", name, failure);
      return EXIT_FAILED;
    });
    return commandLine;
  }

  /** The failure in words: its message, with the exception's name where the message alone is bare. */
  static String describe(Exception failure) {
    String message = failure.getMessage();
    if (message == null || message.isBlank() || failure instanceof FileSystemException) {
      return failure.toString();
    }
    return message;
  }
}

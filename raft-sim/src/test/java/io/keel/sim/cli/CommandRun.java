package io.keel.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of {@code raft-sim}'s command line in the test's JVM: its exit status and what it printed. */
record CommandRun(int exit, String out, String err) {

  /** Runs {@code raft-sim args...}. */
  static CommandRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = SimCommand.commandLine();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int exit = command.execute(args);
    return new CommandRun(exit, out.toString(), err.toString());
  }

  /** Runs {@code raft-sim args...} and checks it fails as a usage error: exit 2, one line on stderr saying {@code expected}, no stack trace. */
  static void assertUsageError(String expected, String... args) {
    CommandRun run = of(args);
    assertEquals(2, run.exit(), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains(expected), run.err());
    assertFalse(run.err().contains("\tat ") || run.err().contains("Exception"), run.err());
    assertEquals("", run.out());
  }
}

package io.keel.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SimCommandTest {

  private static CommandRun run(String... args) {
    return CommandRun.of(args);
  }

  @Test
  void manySeedsEndWithOneJsonLineOfTotals() {
    CommandRun run = run("--seeds", "8", "--nodes", "5", "--sim-seconds", "20", "--json", "--threads", "2");
    assertEquals(0, run.exit(), run.out() + run.err());
    String[] lines = run.out().strip().split("\n");
    String last = lines[lines.length - 1];
    for (String key : new String[] {"\"seeds\":8", "\"violations\":0", "\"livelocks\":0", "\"simulated_seconds\":160.000",
        "\"events\":", "\"wall_seconds\":"}) {
      assertTrue(last.contains(key), key + " in " + last);
    }
  }

  @Test
  void replayPrintsTheFullTraceAndItsHash() {
    CommandRun first = run("--replay", "3", "--sim-seconds", "3");
    CommandRun second = run("--replay", "3", "--sim-seconds", "3");
    assertEquals(0, first.exit(), first.err());
    assertTrue(first.out().split("\n").length > 1_000, "one line per event");
    assertTrue(first.out().contains("receive AppendEntries"), "messages are traced");
    assertTrue(first.out().contains("trace hash "));
    assertEquals(first.out().replaceAll("in [0-9,]+ ms", ""), second.out().replaceAll("in [0-9,]+ ms", ""));
  }

  @Test
  void badOptionsAreOneLineNamingThemAndExit2() {
    assertUsageError("unknown fault 'explode'", "--faults", "crash,explode");
    assertUsageError("raft-sim: --seeds must be at least 1, got 0 (see raft-sim --help)", "--seeds", "0");
    assertUsageError("nodes must be between 1 and 9, got 100", "--nodes", "100");
    assertUsageError("Invalid value for option '--nodes': 'abc' is not an int", "--nodes", "abc");
    assertUsageError("simulatedTime must be positive", "--sim-seconds", "-5");
    assertUsageError("--threads must be in [1, 1024], got 0", "--seeds", "2", "--threads", "0");
    assertUsageError("--max-shrink-runs must be at least 1, got 0", "--shrink", "4", "--max-shrink-runs", "0");
    assertUsageError("--schedule: cannot read no-such.schedule", "--schedule", "no-such.schedule");
    assertUsageError("Unknown option: '--bogus'", "--bogus");
    assertUsageError("raft-sim election-study: --trials must be at least 1, got 0", "election-study", "--trials", "0");
  }

  private static void assertUsageError(String expected, String... args) {
    CommandRun.assertUsageError(expected, args);
  }

  @Test
  void shrinkingAPassingSeedSaysSo() {
    CommandRun run = run("--shrink", "4", "--sim-seconds", "5");
    assertEquals(1, run.exit());
    assertTrue(run.out().contains("seed 4 does not fail"), run.out());
  }
}

package io.keel.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

class SimCommandTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = SimCommand.commandLine();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int exit = command.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void manySeedsEndWithOneJsonLineOfTotals() {
    Run run = run("--seeds", "8", "--nodes", "5", "--sim-seconds", "20", "--json", "--threads", "2");
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
    Run first = run("--replay", "3", "--sim-seconds", "3");
    Run second = run("--replay", "3", "--sim-seconds", "3");
    assertEquals(0, first.exit(), first.err());
    assertTrue(first.out().split("\n").length > 1_000, "one line per event");
    assertTrue(first.out().contains("receive AppendEntries"), "messages are traced");
    assertTrue(first.out().contains("trace hash "));
    assertEquals(first.out().replaceAll("in [0-9,]+ ms", ""), second.out().replaceAll("in [0-9,]+ ms", ""));
  }

  @Test
  void badOptionsAreClearErrors() {
    Run faults = run("--faults", "crash,explode");
    assertEquals(2, faults.exit());
    assertTrue(faults.err().contains("unknown fault 'explode'"), faults.err());
    Run seeds = run("--seeds", "0");
    assertEquals(2, seeds.exit());
    assertTrue(seeds.err().contains("--seeds must be at least 1, got 0"), seeds.err());
  }

  @Test
  void shrinkingAPassingSeedSaysSo() {
    Run run = run("--shrink", "4", "--sim-seconds", "5");
    assertEquals(1, run.exit());
    assertTrue(run.out().contains("seed 4 does not fail"), run.out());
  }
}

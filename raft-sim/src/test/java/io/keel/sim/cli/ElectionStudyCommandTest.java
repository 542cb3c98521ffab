package io.keel.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code election-study} sub-command, run as a user would. */
class ElectionStudyCommandTest {

  @TempDir Path directory;

  private record Run(int exitCode, String output) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine commandLine = SimCommand.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(out));
    return new Run(commandLine.execute(args), out.toString());
  }

  @Test
  void aSmallStudyPrintsItsTableBesideThePapersAndWritesCsvAndSvg() throws Exception {
    Path csv = directory.resolve("trials.csv");
    Path svg = directory.resolve("cdf.svg");
    Run run = run("election-study", "--trials", "3", "--ranges", "150-300,40-60", "--pre-vote", "both",
        "--threads", "2", "--csv", csv.toString(), "--svg", svg.toString());
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().lines().anyMatch(line -> line.startsWith("150-300   off") && line.endsWith("405       603")),
        run.output());
    assertTrue(run.output().lines().anyMatch(line -> line.startsWith("40-60     on") && line.endsWith("-         -")),
        run.output());
    List<String> rows = Files.readAllLines(csv);
    assertEquals(1 + 4 * 3, rows.size());
    assertTrue(rows.get(1).startsWith("150-300,off,off,1,elected,"), rows.get(1));
    String plot = Files.readString(svg);
    assertTrue(plot.startsWith("<svg") && plot.contains("PreVote off") && plot.contains("PreVote on"), plot);
    assertEquals(4, plot.split("<polyline", -1).length - 1);
  }

  @Test
  void badArgumentsAreRefusedWithAClearMessage() {
    Run trials = run("election-study", "--trials", "0");
    assertEquals(2, trials.exitCode());
    assertTrue(trials.output().contains("--trials must be at least 1, got 0"), trials.output());
    Run range = run("election-study", "--ranges", "150-300,150to300");
    assertEquals(2, range.exitCode());
    assertTrue(range.output().contains("'150to300'"), range.output());
    Run reversed = run("election-study", "--ranges", "300-150");
    assertEquals(2, reversed.exitCode());
    assertTrue(reversed.output().contains("must be at least the minimum"), reversed.output());
    Run setting = run("election-study", "--pre-vote", "maybe");
    assertEquals(2, setting.exitCode());
    assertTrue(setting.output().contains("--pre-vote"), setting.output());
  }
}

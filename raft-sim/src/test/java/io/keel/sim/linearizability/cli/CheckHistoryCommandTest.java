package io.keel.sim.linearizability.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.sim.cli.SimCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code check-history} and {@code gen-history} commands, run as a user would. */
class CheckHistoryCommandTest {

  @TempDir Path directory;

  private record Run(int exitCode, String output) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine commandLine = new CommandLine(new SimCommand());
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(out));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString());
  }

  private Path generate(String name, String... options) {
    Path file = directory.resolve(name);
    String[] args = new String[options.length + 3];
    args[0] = "gen-history";
    args[1] = "-o";
    args[2] = file.toString();
    System.arraycopy(options, 0, args, 3, options.length);
    assertEquals(0, run(args).exitCode());
    return file;
  }

  @Test
  void whenEveryHistoryIsLinearizable_thenExitIsZero() {
    Path file = generate("good.jsonl", "--ops", "500", "--keys", "5", "--seed", "7");
    Run run = run("check-history", file.toString());
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("good.jsonl: linearizable (500 ops, 5 keys"), run.output());
  }

  @Test
  void whenDirectoryIsGiven_thenEachHistoryInItGetsOneJsonLine() throws Exception {
    generate("a.jsonl", "--ops", "300", "--seed", "1");
    generate("b.jsonl", "--ops", "300", "--seed", "2", "--anomaly", "LOST_WRITE");
    Files.writeString(directory.resolve("c.jsonl"),
        "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":null,\"time\":1}\n");
    Files.writeString(directory.resolve("notes.txt"), "not a history");
    Run run = run("check-history", directory.toString(), "--json");
    assertEquals(1, run.exitCode(), "a violation outranks bad input");
    List<String> lines = run.output().lines().toList();
    assertEquals(3, lines.size(), run.output());
    assertTrue(lines.get(0).matches(
        "\\{\"file\":\"[^\"]*a\\.jsonl\",\"verdict\":\"linearizable\",\"ops\":300,\"keys\":10,"
            + "\"millis\":\\d+}"), lines.get(0));
    assertTrue(lines.get(1).contains("\"verdict\":\"not_linearizable\""), lines.get(1));
    assertTrue(lines.get(1).contains("\"counterexamples\":[{\"key\":"), lines.get(1));
    assertTrue(lines.get(2).contains("\"verdict\":\"bad_input\""), lines.get(2));
    assertTrue(lines.get(2).contains("\"line\":1,\"error\":\"a ok completion for process 1"),
        lines.get(2));
  }

  @Test
  void whenInputIsBadOrMissing_thenExitIsTwoAndTheLineIsNamed() throws Exception {
    Path bad = directory.resolve("bad.jsonl");
    Files.writeString(bad,
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"time\":1}\n{oops\n");
    Run run = run("check-history", bad.toString(), directory.resolve("missing.jsonl").toString());
    assertEquals(2, run.exitCode(), run.output());
    assertTrue(run.output().contains("bad.jsonl:2: malformed event"), run.output());
    assertTrue(run.output().contains("missing.jsonl: bad input: "), run.output());
  }

  @Test
  void whenDirectoryHoldsNoHistory_thenNothingPassesAndExitIsTwo() throws Exception {
    Path empty = Files.createDirectory(directory.resolve("empty"));
    Run run = run("check-history", empty.toString());
    assertEquals(2, run.exitCode(), run.output());
    assertTrue(run.output().contains("no history files found"), run.output());
  }

  @Test
  void whenGeneratorSettingsAreInvalid_thenItIsAUsageError() {
    Run run = run("gen-history", "-o", directory.resolve("x.jsonl").toString(), "--keys", "0");
    assertEquals(2, run.exitCode(), run.output());
    assertTrue(Files.notExists(directory.resolve("x.jsonl")), "no file is left behind");
  }

  @Test
  void whenHistoryIsTooConcurrent_thenItIsUnknownAndExitIsTwo() {
    Path file = generate("wide.jsonl", "--too-concurrent", "40");
    Run run = run("check-history", file.toString(), "--timeout-s", "0.3", "--json");
    assertEquals(2, run.exitCode(), run.output());
    assertTrue(run.output().contains("\"verdict\":\"unknown\""), run.output());
    assertTrue(run.output().contains("\"unknown_keys\":[{\"key\":\"k0\",\"reason\":\"time bound"),
        run.output());
  }

  @Test
  void whenHistoryIsNotLinearizable_thenTextNamesKeyAndOperations() {
    Path file = generate("stale.jsonl", "--ops", "200", "--keys", "1", "--anomaly", "STALE_READ");
    Run run = run("check-history", file.toString());
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("NOT linearizable"), run.output());
    assertTrue(run.output().contains("key \"k0\": these "), run.output());
    assertTrue(run.output().contains("ok operations cannot be ordered"), run.output());
    assertTrue(run.output().contains("the search could not place"), run.output());
    assertTrue(run.output().contains("after the longest linearizable prefix"), run.output());
  }
}

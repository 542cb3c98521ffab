package io.keel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark jar's commands run and print their lines in the documented form (no speed is judged). */
class BenchMainTest {

  @TempDir Path dir;

  private String run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, new CommandLine(new BenchMain()).execute(args));
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void w1_runs_a_durable_three_node_cluster_and_prints_one_result_line() {
    String output = run("w1", "--clients", "8", "--warmup-s", "0", "--measure-s", "1", "--skip-limits",
        "--dir", dir.toString());
    Matcher line = Pattern.compile("^system=keel C=8 ops_s=(\\d+) p50_us=(\\d+) p99_us=(\\d+) p999_us=(\\d+)$",
        Pattern.MULTILINE).matcher(output);
    assertTrue(line.find(), output);
    assertTrue(Long.parseLong(line.group(1)) > 0, output);
    long p50 = Long.parseLong(line.group(2));
    long p99 = Long.parseLong(line.group(3));
    long p999 = Long.parseLong(line.group(4));
    assertTrue(p50 > 0 && p50 <= p99 && p99 <= p999, output);
    assertEquals(1, output.lines().count(), "exactly one line on standard output: " + output);
  }

  @Test
  void limits_prints_the_fsync_and_round_trip_medians() {
    String output = run("limits", "--dir", dir.toString());
    assertTrue(output.matches("limits fsync_p50_us=\\d+ rtt_p50_us=\\d+ fsync_plus_rtt_us=\\d+ dir=.*\\R"), output);
  }

  @Test
  void bad_arguments_are_refused_with_the_reason() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new BenchMain()).execute("w1", "--clients", "0", "--skip-limits");
      assertTrue(code != 0);
    } finally {
      System.setErr(original);
    }
    assertTrue(captured.toString(StandardCharsets.UTF_8).contains("--clients must be in [1, 100000], got 0"),
        captured.toString(StandardCharsets.UTF_8));
  }
}

package io.keel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
      assertEquals(0, BenchMain.commandLine().execute(args));
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void w1_runs_a_durable_three_node_cluster_and_prints_one_result_line() {
    String output = run("w1", "--clients", "8", "--warmup-s", "0", "--measure-s", "1", "--skip-limits",
        "--dir", dir.toString());
    Matcher line = Pattern.compile(
        "^system=keel C=8 ops_s=(\\d+) p50_us=(\\d+) p99_us=(\\d+) p999_us=(\\d+) elections=(\\d+) snapshots=default$",
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
  void w1_with_snapshots_both_prints_a_line_without_then_with_snapshots() {
    String output = run("w1", "--clients", "8", "--warmup-s", "0", "--measure-s", "1", "--skip-limits",
        "--snapshots", "both", "--dir", dir.toString());
    List<String> lines = output.lines().toList();
    assertEquals(2, lines.size(), output);
    assertTrue(lines.get(0).matches(
        "^system=keel C=8 ops_s=\\d+ p50_us=\\d+ p99_us=\\d+ p999_us=\\d+ elections=\\d+ snapshots=off$"),
        output);
    assertTrue(lines.get(1).matches(
        "^system=keel C=8 ops_s=\\d+ p50_us=\\d+ p99_us=\\d+ p999_us=\\d+ elections=\\d+ snapshots=default$"),
        output);
  }

  @Test
  void catch_up_brings_an_empty_node_to_the_same_state_by_snapshot_and_times_a_restart() {
    String output = run("catch-up", "--keys", "20000", "--batch-kib", "256", "--tail-entries", "50", "--skip-limits",
        "--restart", "--election-ms", "300", "--dir", dir.toString());
    List<String> lines = output.lines().toList();
    assertEquals(2, lines.size(), output);
    assertTrue(lines.get(0).matches("^catch-up state_mb=2\\.5 records=20050 snapshot_mb=2\\.5 seconds=\\S+ .*"
        + " log_entries=5\\d .* same_state=true$"), output);
    assertTrue(lines.get(1).matches("^restart state_mb=2\\.5 records=20050 .* same_state=true$"), output);
    String json = run("catch-up", "--keys", "1000", "--tail-entries", "5", "--skip-limits", "--json",
        "--election-ms", "300", "--dir", dir.toString());
    assertTrue(json.matches("\\{\"result\":\"catch-up\",\"state_mb\":0\\.1,\"records\":1005,.*\"same_state\":true}\\R"),
        json);
  }

  @Test
  void limits_prints_the_fsync_and_round_trip_medians() {
    String output = run("limits", "--dir", dir.toString());
    assertTrue(output.matches("limits fsync_p50_us=\\d+ rtt_p50_us=\\d+ fsync_plus_rtt_us=\\d+ dir=.*\\R"), output);
  }

  @Test
  void limits_with_bandwidth_adds_a_line_of_disk_and_loopback_rates() {
    String output = run("limits", "--dir", dir.toString(), "--bandwidth", "--bandwidth-mb", "8");
    assertTrue(output.matches("limits fsync_p50_us=\\d+ .*\\Rbandwidth disk_write_mb_s=\\d+ loopback_mb_s=\\d+ mb=8\\R"),
        output);
  }

  private record Run(int exit, String err) {}

  private static Run runFailing(String... args) {
    StringWriter err = new StringWriter();
    CommandLine command = BenchMain.commandLine();
    command.setErr(new PrintWriter(err));
    int exit = command.execute(args);
    return new Run(exit, err.toString());
  }

  /** One line naming the problem, exit status 2, and no stack trace. */
  private static void assertUsageError(String expected, String... args) {
    Run run = runFailing(args);
    assertEquals(2, run.exit(), run.err());
    assertOneLine(run.err(), expected);
  }

  private static void assertOneLine(String err, String expected) {
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains(expected), err);
    assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
  }

  @Test
  void bad_arguments_are_one_line_naming_them_and_exit_2() {
    assertUsageError("raft-bench w1: --clients must be in [1, 100000], got 0 (see raft-bench w1 --help)",
        "w1", "--clients", "0", "--skip-limits");
    assertUsageError("--measure-s must be in [1, 86400], got 0", "w1", "--clients", "1", "--measure-s", "0");
    assertUsageError("--processes must be 1 or 3, got 2", "w1", "--clients", "1", "--processes", "2");
    assertUsageError("Unknown option: '--bogus'", "w1", "--clients", "1", "--bogus");
    assertUsageError("'abc' is not an int", "w1", "--clients", "abc");
    assertUsageError("Missing required option: '--clients=<clients>'", "w1");
    assertUsageError("Unmatched argument at index 0: 'nonsense'", "nonsense");
    assertUsageError("--snapshots must be off, default or both, got on", "w1", "--clients", "1", "--snapshots", "on");
    assertUsageError("--keys must be in [1, 10000000000], got 0", "catch-up", "--keys", "0");
    assertUsageError("--key-bytes must be in [8, 1024], got 4", "catch-up", "--key-bytes", "4");
    assertUsageError("maxInflightSnapshotChunks must be", "catch-up", "--inflight-chunks", "0");
    String[] node = {"node", "--id", "n2", "--listen", "127.0.0.1:7001", "--peer", "n1=127.0.0.1:7002",
        "--dir", "unused"};
    assertUsageError("'127.0.0.1:abc' is not host:port: the port 'abc' is not a number",
        with(node, "--listen", "127.0.0.1:abc"));
    assertUsageError("'127.0.0.1:70000': the port 70000 is outside 0 to 65535", with(node, "--listen", "127.0.0.1:70000"));
    assertUsageError("'n1:7002' is not id=host:port", with(node, "--peer", "n1:7002"));
    assertUsageError("'no space' is not a node id", with(node, "--id", "no space"));
    assertUsageError("--peer n1 is given twice", with(node, "--peer", "n1=127.0.0.1:7003"));
    assertUsageError("--election-ms 1: electionTimeoutMin must be between 2 ms and", with(node, "--election-ms", "1"));
  }

  @Test
  void a_failure_while_running_is_one_line_and_exit_1() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run run = runFailing("node", "--id", "n2", "--listen", "127.0.0.1:" + busy.getLocalPort(),
          "--peer", "n1=127.0.0.1:9", "--dir", dir.resolve("n2").toString());
      assertEquals(1, run.exit(), run.err());
      assertOneLine(run.err(), "raft-bench node: failed: n2: cannot listen on /127.0.0.1:" + busy.getLocalPort());
    }
  }

  /** {@code args} with {@code option}'s value replaced, or the option added if it is not there. */
  private static String[] with(String[] args, String option, String value) {
    List<String> changed = new ArrayList<>(List.of(args));
    int at = changed.indexOf(option);
    if (at >= 0 && !option.equals("--peer")) {
      changed.set(at + 1, value);
    } else {
      changed.add(option);
      changed.add(value);
    }
    return changed.toArray(String[]::new);
  }
}

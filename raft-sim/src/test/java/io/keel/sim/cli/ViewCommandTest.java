package io.keel.sim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.sim.trace.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code raft-sim view} and {@code --trace-json}: the page and the file they write, their windows, and bad input. */
class ViewCommandTest {

  private static final String STORM = Path.of("..", "docs", "examples", "election-storm.schedule").toString();

  @TempDir
  Path directory;

  private static CommandRun run(String... args) {
    return CommandRun.of(args);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> embeddedTrace(Path page) throws IOException {
    Matcher matcher = Pattern.compile("id=\"keel-trace\">(.*?)</script>", Pattern.DOTALL)
        .matcher(Files.readString(page, StandardCharsets.UTF_8));
    assertTrue(matcher.find(), "the page embeds its trace");
    return StrictJson.object(matcher.group(1));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> events(Map<String, Object> trace) {
    return (List<Map<String, Object>>) trace.get("events");
  }

  @Test
  void writesOnePageAndPrintsItsPathTheSameBytesForTheSameSeed() throws IOException {
    Path one = directory.resolve("one.html");
    Path two = directory.resolve("two.html");
    CommandRun first = run("view", "3", "--sim-seconds", "2", "--out", one.toString());
    CommandRun second = run("view", "3", "--sim-seconds", "2", "--out", two.toString());
    assertEquals(0, first.exit(), first.err());
    assertEquals(one.toAbsolutePath().normalize().toString(), first.out().lines().findFirst().orElseThrow());
    assertTrue(first.out().contains("seed 3: every property held"), first.out());
    assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two), "same seed, same page");
    Map<String, Object> trace = embeddedTrace(one);
    assertEquals(List.of("keel-sim-trace", 1L, 3L), List.of(trace.get("format"), trace.get("version"), trace.get("seed")));
    assertEquals("--nodes 3 --sim-seconds 2 --faults all --protocol swarm --pre-vote swarm --check-quorum swarm",
        trace.get("options"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aFailingSeedsPageEndsAtTheFailureWithTheLastEventsBeforeIt() throws IOException {
    Path page = directory.resolve("storm.html");
    CommandRun run = run("view", "1", "--schedule", STORM, "--sim-seconds", "8", "--protocol", "defaults", "--pre-vote", "off",
        "--check-quorum", "off", "--max-events", "100", "--out", page.toString());
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("seed 1 LIVELOCK: Liveness: "), run.out());
    Map<String, Object> trace = embeddedTrace(page);
    List<Map<String, Object>> events = events(trace);
    Map<String, Object> last = events.get(events.size() - 1);
    assertEquals("violation", last.get("kind"));
    assertEquals((long) events.size() - 1, ((Map<String, Object>) trace.get("verdict")).get("event"));
    long opening = events.stream().filter(e -> e.get("kind").equals("init")).count();
    assertEquals(3, opening);
    assertTrue(events.size() - opening >= 100 && events.size() - opening <= 110, "about 100 events: " + events.size());
    assertTrue((Long) ((Map<String, Object>) trace.get("window")).get("fromNanos") > 0, "the run's start left out");
  }

  @Test
  void fromAndUntilChooseTheWindow() throws IOException {
    Path page = directory.resolve("window.html");
    CommandRun run = run("view", "3", "--sim-seconds", "3", "--from", "1s", "--until", "1.5s", "--out", page.toString());
    assertEquals(0, run.exit(), run.err());
    List<Map<String, Object>> events = events(embeddedTrace(page));
    assertTrue(events.size() > 10);
    assertTrue(events.stream().allMatch(e -> (Long) e.get("t") >= 1_000_000_000L && (Long) e.get("t") <= 1_500_000_000L));
  }

  @Test
  @SuppressWarnings("unchecked")
  void traceJsonWritesTheWholeRunTheSameBytesForTheSameSeed() throws IOException {
    Path one = directory.resolve("one.json");
    Path two = directory.resolve("two.json");
    CommandRun first = run("--seed", "2", "--sim-seconds", "2", "--trace-json", one.toString());
    CommandRun second = run("--seed", "2", "--sim-seconds", "2", "--trace-json", two.toString());
    assertEquals(0, first.exit(), first.err());
    assertEquals(0, second.exit(), second.err());
    assertTrue(first.out().contains("JSON trace written to " + one), first.out());
    assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
    Map<String, Object> trace = StrictJson.object(Files.readString(one, StandardCharsets.UTF_8));
    assertEquals(Boolean.FALSE, trace.get("truncated"));
    assertEquals(Boolean.TRUE, ((Map<String, Object>) trace.get("verdict")).get("ok"));
    assertEquals(((List<?>) trace.get("events")).size(), ((Long) trace.get("eventCount")).intValue());
  }

  @Test
  void badInputIsOneLineNamingItAndExit2() {
    assertUsageError("Unknown option: '--bogus'", "view", "3", "--bogus");
    assertUsageError("Missing required parameter: 'SEED'", "view");
    assertUsageError("'abc' is not a long", "view", "abc");
    assertUsageError("--out: cannot write " + directory.resolve("no/such/page.html") + ": no such directory",
        "view", "3", "--out", directory.resolve("no/such/page.html").toString());
    assertUsageError("--out: cannot write " + directory + ": it is a directory", "view", "3", "--out", directory.toString());
    assertUsageError("--max-events must be in [1, 2000000], got 0", "view", "3", "--max-events", "0");
    assertUsageError("--until: not a duration: 'soon'", "view", "3", "--until", "soon");
    assertUsageError("--from 2s is after --until 1s", "view", "3", "--from", "2s", "--until", "1s");
    assertUsageError("nodes must be between 1 and 9, got 12", "view", "3", "--nodes", "12");
    assertUsageError("--schedule: cannot read no-such.schedule", "view", "3", "--schedule", "no-such.schedule");
    assertUsageError("--trace-json writes the trace of one run: use it with --seed or --replay",
        "--seeds", "2", "--trace-json", directory.resolve("t.json").toString());
  }

  private static void assertUsageError(String expected, String... args) {
    CommandRun.assertUsageError(expected, args);
  }
}

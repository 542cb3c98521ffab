package io.keel.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.LogEntry;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.sim.trace.JsonWriter;
import io.keel.sim.trace.StrictJson;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The JSON trace: the same seed gives the same bytes, recording changes nothing in the run, a run
 * with every fault shows every kind of event, a window holds only its events, and a broken run
 * ends with the violation, at the node where it was caught.
 */
class TraceRecorderTest {

  /** Every fault the recorder writes, with spares for membership changes and snapshots to install. */
  static final String EVERY_FAULT = """
      network delay=1ms..5ms tail=0.0000/0ms drop=0.0300 duplicate=0.0300
      disk fsync=2ms torn-writes=on
      spares 2
      drift n1=+0ppm n2=+0ppm n3=+0ppm n4=+0ppm n5=+0ppm
      at 0.5s partition isolate n3
      at 0.9s pause n2 200ms
      at 1.8s partition none
      at 1.9s crash n1
      at 2.2s restart n1
      at 2.3s clock-jump n2 100ms
      at 2.4s slow-disk n1 x10 300ms
      at 2.6s membership grow
      at 3.2s disk-error n2
      at 3.5s heal
      """;

  private record Recorded(String json, List<Map<String, Object>> events, SimulationReport report,
      TraceRecorder recorder) {}

  private static SimulationConfig everyFaultConfig(long seed) {
    SimulationConfig config = SimulationConfig.defaults(seed).withSimulatedTime(Duration.ofSeconds(6))
        .withSnapshotEveryEntries(20);
    return config.withRaft(config.raft().toBuilder().snapshotTrailingEntries(2).build());
  }

  @SuppressWarnings("unchecked")
  private static Recorded record(SimulationConfig config, String schedule, TraceRecorder.Window window,
      Consumer<Simulation<Long>> tamper) {
    Simulation<Long> simulation = new Simulation<>(config, schedule == null ? null : FaultSchedule.parse(3, schedule),
        CounterStateMachine::new, CounterStateMachine.randomAdds());
    if (tamper != null) {
      simulation.observeEvents(tamper);
    }
    StringBuilder out = new StringBuilder();
    JsonWriter json = new JsonWriter(out).beginArray();
    TraceRecorder recorder = new TraceRecorder(window, json);
    SimulationReport report = simulation.recordTrace(recorder).run();
    recorder.finish();
    json.endArray();
    List<Map<String, Object>> events = (List<Map<String, Object>>) StrictJson.parse(out.toString());
    return new Recorded(out.toString(), events, report, recorder);
  }

  private static long number(Map<String, Object> event, String field) {
    return (Long) event.get(field);
  }

  @Test
  void theSameSeedGivesTheSameBytesAndRecordingChangesNothing() {
    SimulationConfig config = SimulationConfig.defaults(7).withSimulatedTime(Duration.ofSeconds(4));
    Recorded one = record(config, null, TraceRecorder.Window.all(), null);
    Recorded two = record(config, null, TraceRecorder.Window.all(), null);
    assertEquals(one.json(), two.json());
    SimulationReport unrecorded = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
    assertEquals(unrecorded.traceHash(), one.report().traceHash(), "recording changes nothing in the run");
    assertEquals(unrecorded.summary().replaceAll("in [0-9,]+ ms", ""), one.report().summary().replaceAll("in [0-9,]+ ms", ""));
    Recorded other = record(config.withSeed(8), null, TraceRecorder.Window.all(), null);
    assertFalse(one.json().equals(other.json()), "another seed, another trace");
  }

  @Test
  void aRunWithEveryFaultShowsEveryKindOfEvent() {
    Recorded run = record(everyFaultConfig(3), EVERY_FAULT, TraceRecorder.Window.all(), null);
    Set<String> kinds = run.events().stream().map(e -> (String) e.get("kind")).collect(Collectors.toCollection(TreeSet::new));
    Set<String> expected = new TreeSet<>(TraceRecorder.KINDS);
    expected.remove("violation"); // this run passes: see the tests below
    assertEquals(expected, kinds, run.report().summary());
    assertTrue(run.report().ok(), run.report().summary());
    Set<String> reasons = run.events().stream().filter(e -> e.get("kind").equals("drop"))
        .map(e -> (String) e.get("reason")).collect(Collectors.toSet());
    assertEquals(Set.of("loss", "partition", "down"), reasons);
    long previous = 0;
    for (Map<String, Object> event : run.events()) {
      assertTrue(number(event, "t") >= previous, "events in time order: " + event);
      previous = number(event, "t");
    }
  }

  @Test
  void eachDeliveryAndLossFollowsItsSending() {
    Recorded run = record(everyFaultConfig(3), EVERY_FAULT, TraceRecorder.Window.all(), null);
    Map<Long, Map<String, Object>> sent = new HashMap<>();
    for (Map<String, Object> event : run.events()) {
      String kind = (String) event.get("kind");
      if (kind.equals("send")) {
        sent.put(number(event, "id"), event);
      } else if (kind.equals("deliver") || kind.equals("drop") || kind.equals("duplicate")) {
        Map<String, Object> sending = sent.get(number(event, "id"));
        assertNotNull(sending, "sent before: " + event);
        assertEquals(List.of(sending.get("from"), sending.get("to"), sending.get("type")),
            List.of(event.get("from"), event.get("to"), event.get("type")), event.toString());
      }
    }
  }

  @Test
  void aWindowHoldsItsEventsAfterWhereEveryNodeStood() {
    long from = 1_000_000_000L;
    long until = 2_000_000_000L;
    Recorded run = record(everyFaultConfig(3), EVERY_FAULT, new TraceRecorder.Window(from, until, 300), null);
    List<Map<String, Object>> events = run.events();
    for (int node = 1; node <= 5; node++) {
      Map<String, Object> init = events.get(node - 1);
      assertEquals(List.of("init", (long) node, from), List.of(init.get("kind"), init.get("node"), init.get("t")));
    }
    assertEquals("partition", events.get(5).get("kind"), "the partition in force at 1 s");
    assertEquals(6 + 300, events.size(), "cut at 300 events after the opening ones");
    assertTrue(run.recorder().truncated());
    assertTrue(events.stream().allMatch(e -> number(e, "t") >= from && number(e, "t") <= until));
  }

  @Test
  void aBrokenRunEndsWithTheViolationAtTheNodeWhereItWasCaught() {
    boolean[] done = new boolean[1];
    SimulationConfig calm = SimulationConfig.defaults(4).withFaults(EnumSet.noneOf(FaultKind.class))
        .withSimulatedTime(Duration.ofSeconds(5));
    // As in CheckersFireTest: a follower's uncommitted last entry becomes another command, same index and term.
    Recorded run = record(calm, null, TraceRecorder.Window.all(), running -> {
      for (SimulatedNode<Long> node : running.nodes()) {
        RaftNode<Long> raft = node.raft();
        long last = raft.lastLogIndex();
        if (!done[0] && running.nowNanos() > 1_000_000_000L && raft.role() == Role.FOLLOWER
            && last > raft.commitIndex() && last > raft.durableIndex()) {
          done[0] = true;
          long term = node.disk().term(last);
          node.disk().truncateSuffix(last);
          node.disk().append(List.of(LogEntry.command(last, term, Envelope.wrap(-1, new byte[8]))));
        }
      }
    });
    assertTrue(run.report().violation().startsWith("Log Matching: "), run.report().summary());
    Map<String, Object> last = run.events().get(run.events().size() - 1);
    assertEquals("violation", last.get("kind"));
    assertEquals("Log Matching", last.get("property"));
    assertEquals(run.report().violation(), last.get("message"));
    assertEquals(false, last.get("livelock"));
    assertEquals(run.report().simulatedNanos(), number(last, "t"));
    assertTrue(last.containsKey("node"), "caught after an event of a node: " + last);
    assertEquals(run.events().size() - 1, run.recorder().violationEvent());
  }

  @Test
  void anElectionStormEndsWithTheLivelockWhereTheLivenessCheckerCaughtIt() {
    SimulationConfig config = SimulationConfig.defaults(1).withSimulatedTime(Duration.ofSeconds(8));
    config = config.withRaft(config.raft().toBuilder().preVote(false).checkQuorum(false).build());
    Recorded run = record(config, """
        network delay=200ms..400ms tail=0.0000/0ms drop=0.0000 duplicate=0.0000
        disk fsync=1ms torn-writes=off
        drift n1=+0ppm n2=+0ppm n3=+0ppm
        at 1s heal
        """, TraceRecorder.Window.all(), null);
    assertTrue(run.report().livelock(), run.report().summary());
    Map<String, Object> last = run.events().get(run.events().size() - 1);
    assertEquals(List.of("violation", true, "Liveness"), List.of(last.get("kind"), last.get("livelock"), last.get("property")));
    assertFalse(last.containsKey("node"), "a liveness deadline belongs to no node");
    assertTrue(run.events().stream().noneMatch(e -> "LEADER".equals(e.get("role"))), "no leader in the storm");
    assertTrue(run.events().stream().filter(e -> "role".equals(e.get("kind")) && "CANDIDATE".equals(e.get("role")))
        .count() > 10, "term after term of candidates");
  }
}

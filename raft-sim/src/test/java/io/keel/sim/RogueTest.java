package io.keel.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import io.keel.raft.message.RequestVote;
import io.keel.raft.protocol.ImpossibleMessage;
import io.keel.raft.protocol.Role;
import io.keel.sim.check.Checkers;
import io.keel.sim.check.Violation;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rogue-peer fault: a member's name on forged messages. No node may stop or break its own
 * invariants whatever it is told; and in runs of correct nodes, no message may be refused as
 * impossible at all.
 */
class RogueTest {

  private static SimulationReport run(SimulationConfig config) {
    return new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds()).run();
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void no_node_stops_whatever_a_lying_member_sends(int nodes) {
    long forged = 0;
    long refused = 0;
    for (long seed = 1; seed <= 40; seed++) {
      SimulationConfig config = SimulationConfig.defaults(seed).withNodes(nodes)
          .withFaults(FaultKind.parse("all,rogue"));
      SimulationReport report = run(config);
      assertTrue(report.ok(), report.summary());
      forged += report.messagesForged();
      refused += report.impossibleMessages();
    }
    assertTrue(forged > 1_000, "lies were told: " + forged);
    assertTrue(refused > forged / 10, "many were refused as impossible: " + refused + " of " + forged);
  }

  @Test
  void a_lying_member_is_off_unless_named() {
    assertFalse(FaultKind.parse("all").contains(FaultKind.ROGUE));
    assertEquals(FaultKind.all(), SimulationConfig.defaults(1).faults());
    Set<FaultKind> withRogue = FaultKind.parse("all,rogue");
    assertTrue(withRogue.containsAll(FaultKind.all()) && withRogue.contains(FaultKind.ROGUE));
    assertTrue(Nemesis.scheduleOf(SimulationConfig.defaults(7)).faults().stream()
        .noneMatch(timed -> timed.fault() instanceof Fault.Lie));
  }

  @Test
  void turning_the_liar_on_leaves_every_other_draw_of_a_seed_as_it_was() {
    FaultSchedule honest = Nemesis.scheduleOf(SimulationConfig.defaults(11));
    FaultSchedule lying = Nemesis.scheduleOf(SimulationConfig.defaults(11).withFaults(FaultKind.parse("all,rogue")));
    List<FaultSchedule.Timed> withoutLies = lying.faults().stream()
        .filter(timed -> !(timed.fault() instanceof Fault.Lie)).toList();
    assertEquals(honest.faults(), withoutLies);
    assertTrue(lying.faults().size() > withoutLies.size(), lying.describe());
  }

  @Test
  void a_lie_reads_back_from_its_schedule_line() {
    FaultSchedule schedule = FaultSchedule.parse(3, "at 1.5s lie n2 7\n");
    assertEquals(new Fault.Lie(2, 7), schedule.faults().get(0).fault());
    assertEquals("at 1.5s lie n2 7", schedule.faults().get(0).describe());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse(3, "at 1s lie n2 0"))
        .getMessage().contains("a count of messages from 1 to 1000"));
  }

  @Test
  void a_scripted_lie_is_refused_and_changes_no_correct_node() {
    Scenario.Result result = Scenario.of(3)
        .script("at 2s lie n1 200\nat 3s lie n2 200\n")
        .runFor("5s")
        .run(3);
    assertTrue(result.report().ok(), result.report().summary());
    assertEquals(400, result.report().messagesForged());
    assertTrue(result.report().impossibleMessages() > 20, result.report().summary());
  }

  @Test
  void an_impossible_message_in_a_run_of_correct_nodes_is_a_violation() {
    ImpossibleMessage impossible = new ImpossibleMessage(new RequestVote(3, NodeId.of("n2"), 4, 3),
        "a candidate for term 3 cannot hold entries of term 3");
    Checkers correct = new Checkers(false);
    correct.onImpossible(1, impossible);
    Violation violation = assertThrows(Violation.class, () -> correct.afterEvent(List.of(), null, 0));
    assertTrue(violation.getMessage().startsWith("No Impossible Messages: n1 refused a message from a correct peer"),
        violation.getMessage());

    Checkers lying = new Checkers(true);
    lying.onImpossible(1, impossible);
    lying.afterEvent(List.of(), null, 0);
    assertEquals(1, lying.impossibleMessages());
  }

  @Test
  void a_node_that_stops_though_its_disk_is_healthy_is_a_violation() {
    Simulation<Long> simulation = new Simulation<>(SimulationConfig.defaults(4)
        .withFaults(EnumSet.noneOf(FaultKind.class)).withSimulatedTime(Duration.ofSeconds(5)),
        CounterStateMachine::new, CounterStateMachine.randomAdds());
    simulation.observeEvents(running -> {
      if (running.nowNanos() > 1_000_000_000L && running.nodes().get(1).raft().role() != Role.FAILED) {
        running.nodes().get(1).raft().stop(new IllegalStateException("stopped by the test"));
      }
    });
    SimulationReport report = simulation.run();
    assertTrue(report.violation() != null && report.violation().startsWith("Nodes Keep Running: n2 stopped"),
        report.summary());
  }
}

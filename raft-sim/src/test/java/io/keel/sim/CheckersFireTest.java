package io.keel.sim;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.LogEntry;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.sim.check.ElectionSafety;
import io.keel.sim.check.Violation;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checkers that no planted bug of the catalogue reaches first (see {@code MutantsTripCheckersTest}
 * for the others), each shown firing on a run that breaks its property on purpose: two clusters'
 * leaders of one term put side by side, a leader's or a follower's disk changed under it, disks
 * slowed after the heal.
 */
class CheckersFireTest {

  private static SimulationConfig calm(long seed, Duration time) {
    return SimulationConfig.defaults(seed).withFaults(EnumSet.noneOf(FaultKind.class)).withSimulatedTime(time);
  }

  /** Runs {@code config} until some node leads term 1, and returns that leader. */
  private static SimulatedNode<Long> firstLeader(SimulationConfig config, List<SimulatedNode<Long>>[] nodesOut) {
    Simulation<Long> simulation = new Simulation<>(config, CounterStateMachine::new, CounterStateMachine.randomAdds());
    simulation.observeEvents(running -> {
      if (running.nodes().stream().anyMatch(n -> n.raft().role() == Role.LEADER)) {
        running.stop();
      }
    });
    simulation.run();
    nodesOut[0] = simulation.nodes();
    return simulation.nodes().stream().filter(n -> n.raft().role() == Role.LEADER).findFirst().orElseThrow();
  }

  @Test
  @SuppressWarnings("unchecked")
  void election_safety_fires_on_two_leaders_of_one_term() {
    List<SimulatedNode<Long>>[] first = new List[1];
    List<SimulatedNode<Long>>[] second = new List[1];
    SimulatedNode<Long> one = firstLeader(calm(1, Duration.ofSeconds(5)), first);
    SimulatedNode<Long> other = null;
    for (long seed = 2; other == null || other.number() == one.number(); seed++) {
      other = firstLeader(calm(seed, Duration.ofSeconds(5)), second);
    }
    assertTrue(one.raft().currentTerm() == 1 && other.raft().currentTerm() == 1, "both lead term 1");
    ElectionSafety electionSafety = new ElectionSafety();
    electionSafety.check(first[0], one);
    SimulatedNode<Long> rival = other;
    Violation violation = assertThrows(Violation.class, () -> electionSafety.check(second[0], rival));
    assertTrue(violation.getMessage().startsWith("Election Safety: "), violation.getMessage());
  }

  @Test
  void leader_append_only_fires_when_a_leader_rewrites_its_last_entry() {
    Simulation<Long> simulation = new Simulation<>(calm(3, Duration.ofSeconds(5)), CounterStateMachine::new,
        CounterStateMachine.randomAdds());
    boolean[] done = new boolean[1];
    simulation.observeEvents(running -> {
      for (SimulatedNode<Long> node : running.nodes()) {
        RaftNode<Long> raft = node.raft();
        long last = raft.lastLogIndex();
        if (!done[0] && running.nowNanos() > 1_000_000_000L && raft.role() == Role.LEADER
            && last > raft.commitIndex() && node.disk().term(last) == raft.currentTerm()) {
          done[0] = true; // the leader's own uncommitted last entry is replaced, under it, by another
          node.disk().truncateSuffix(last);
          node.disk().append(List.of(LogEntry.command(last, raft.currentTerm(), Envelope.wrap(-1, new byte[8]))));
        }
      }
    });
    SimulationReport report = simulation.run();
    assertTrue(done[0], "the run reached a leader with an uncommitted last entry");
    assertNotNull(report.violation(), report.summary());
    assertTrue(report.violation().startsWith("Leader Append-Only: "), report.violation());
  }

  @Test
  void log_matching_fires_when_a_follower_holds_another_entry_of_the_same_index_and_term() {
    Simulation<Long> simulation = new Simulation<>(calm(4, Duration.ofSeconds(5)), CounterStateMachine::new,
        CounterStateMachine.randomAdds());
    boolean[] done = new boolean[1];
    simulation.observeEvents(running -> {
      for (SimulatedNode<Long> node : running.nodes()) {
        RaftNode<Long> raft = node.raft();
        long last = raft.lastLogIndex();
        if (!done[0] && running.nowNanos() > 1_000_000_000L && raft.role() == Role.FOLLOWER
            && last > raft.commitIndex() && last > raft.durableIndex()) {
          done[0] = true; // the follower's uncommitted last entry becomes another command, same index and term
          long term = node.disk().term(last);
          node.disk().truncateSuffix(last);
          node.disk().append(List.of(LogEntry.command(last, term, Envelope.wrap(-1, new byte[8]))));
        }
      }
    });
    SimulationReport report = simulation.run();
    assertTrue(done[0], "the run reached a follower with an uncommitted last entry");
    assertNotNull(report.violation(), report.summary());
    assertTrue(report.violation().startsWith("Log Matching: "), report.violation());
  }

  @Test
  void throughput_fires_when_commits_slow_to_a_trickle_after_the_heal() {
    Scenario.Result result = Scenario.of(3)
        .heal("1s")
        .script("at 1.2s slow-disk n1 x50 20s\nat 1.2s slow-disk n2 x50 20s\nat 1.2s slow-disk n3 x50 20s\n")
        .runFor("12s")
        .run(5);
    SimulationReport report = result.report();
    assertNotEquals(null, report.violation(), report.summary());
    assertTrue(report.violation().startsWith("Throughput: "), report.violation());
  }
}

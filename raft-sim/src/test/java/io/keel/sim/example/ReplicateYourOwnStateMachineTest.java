package io.keel.sim.example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.StateMachine;
import io.keel.sim.SimulatedNode;
import io.keel.sim.Simulation;
import io.keel.sim.SimulationConfig;
import io.keel.sim.SimulationReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's example: replicate your own state machine, and fault-test it in the simulator. */
class ReplicateYourOwnStateMachineTest {

  /** The state machine: a guestbook that replicas sign in the same order. */
  static final class Guestbook implements StateMachine<Integer> {
    final List<String> names = new ArrayList<>();

    @Override
    public Integer apply(long index, byte[] command) {
      names.add(new String(command, UTF_8));
      return names.size(); // the proposer learns its line number
    }
  }

  @Test
  void everyReplicaSignsTheSameNamesInTheSameOrder() {
    Simulation<Integer> simulation = new Simulation<>(
        SimulationConfig.defaults(7),                      // 3 nodes under every kind of fault
        Guestbook::new,                                    // one state machine per node (re)start
        (sequence, random) -> ("guest-" + sequence).getBytes(UTF_8));
    SimulationReport report = simulation.run();
    System.out.println(report.summary());

    assertTrue(report.ok(), report.summary());
    List<List<String>> books = new ArrayList<>();
    for (SimulatedNode<Integer> node : simulation.nodes()) {
      books.add(((Guestbook) node.stateMachine()).names);
    }
    List<String> longest = books.stream().max((a, b) -> a.size() - b.size()).orElseThrow();
    for (List<String> book : books) {
      assertEquals(longest.subList(0, book.size()), book, "each replica holds a prefix of the same book");
    }
    assertTrue(longest.size() > 1_000, "thousands of names signed: " + longest.size());
  }
}

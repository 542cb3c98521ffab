package io.keel.sim.cli;

import io.keel.raft.RaftConfig;
import io.keel.sim.CounterStateMachine;
import io.keel.sim.FaultKind;
import io.keel.sim.FaultSchedule;
import io.keel.sim.SimRandom;
import io.keel.sim.Simulation;
import io.keel.sim.SimulationConfig;
import io.keel.sim.SimulationReport;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The settings the command line gives every seed of a run, and how one seed's simulation is built
 * from them: cluster size, simulated time, fault kinds, and PreVote and CheckQuorum (on, off, or
 * drawn by each seed: swarm).
 */
record RunSettings(int nodes, long simulatedSeconds, String faultsText, Set<FaultKind> faults, Toggle preVote,
    Toggle checkQuorum) {

  /** A protocol option: on, off, or drawn by each seed. */
  enum Toggle { ON, OFF, SWARM }

  /** The configuration of seed {@code seed}. */
  SimulationConfig configFor(long seed) {
    SimulationConfig config = SimulationConfig.defaults(seed)
        .withNodes(nodes)
        .withFaults(faults)
        .withSimulatedTime(Duration.ofSeconds(simulatedSeconds));
    // A stream of its own, so that the protocol draw does not shift the run's other choices.
    long bits = new SimRandom(seed ^ 0x5EED_0F_5EEDL).nextLong();
    RaftConfig raft = config.raft().toBuilder()
        .preVote(decide(preVote, (bits & 1) == 0))
        .checkQuorum(decide(checkQuorum, (bits & 2) == 0))
        .build();
    return config.withRaft(raft);
  }

  /** Runs seed {@code seed} under its drawn schedule, or under {@code schedule} if not null. */
  SimulationReport run(long seed, FaultSchedule schedule, Consumer<String> trace) {
    Simulation<Long> simulation = new Simulation<>(configFor(seed), schedule, CounterStateMachine::new,
        CounterStateMachine.randomAdds());
    if (trace != null) {
      simulation.traceTo(trace);
    }
    return simulation.run();
  }

  /** The options that reproduce these settings on the command line. */
  String options() {
    return "--nodes " + nodes + " --sim-seconds " + simulatedSeconds + " --faults " + faultsText
        + " --pre-vote " + preVote.name().toLowerCase(Locale.ROOT)
        + " --check-quorum " + checkQuorum.name().toLowerCase(Locale.ROOT);
  }

  /** A line naming the protocol options seed {@code seed} runs with. */
  String protocolOf(long seed) {
    RaftConfig raft = configFor(seed).raft();
    return "preVote=" + (raft.preVote() ? "on" : "off") + " checkQuorum=" + (raft.checkQuorum() ? "on" : "off");
  }

  private static boolean decide(Toggle toggle, boolean drawn) {
    return switch (toggle) {
      case ON -> true;
      case OFF -> false;
      case SWARM -> drawn;
    };
  }
}

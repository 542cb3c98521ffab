package io.keel.sim.cli;

import io.keel.raft.RaftConfig;
import io.keel.raft.session.SessionLimits;
import io.keel.sim.CounterStateMachine;
import io.keel.sim.FaultKind;
import io.keel.sim.FaultSchedule;
import io.keel.sim.ProtocolSwarm;
import io.keel.sim.Simulation;
import io.keel.sim.SimulationConfig;
import io.keel.sim.SimulationReport;
import io.keel.sim.kv.KvWorkload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The settings the command line gives every seed of a run, and how one seed's simulation is built
 * from them: cluster size, simulated time, fault kinds, and PreVote and CheckQuorum (on, off, or
 * drawn by each seed: swarm).
 */
record RunSettings(int nodes, long simulatedSeconds, String faultsText, Set<FaultKind> faults, Protocol protocol,
    Toggle preVote, Toggle checkQuorum, WorkloadKind workload) {

  /**
   * Sessions of the key-value workload: a client cut off for 3 s of the log's time loses its
   * session and registers again, so expiry happens in runs, not only in tests.
   */
  static final SessionLimits KV_SESSIONS = new SessionLimits(Duration.ofSeconds(3), 64, 16);
  /** How much larger a key-value seed's snapshot chunks are than the swarm draws for the counter. */
  static final int KV_CHUNK_SCALE = 64;
  /** Where a key-value seed whose history fails writes it. */
  static final Path HISTORIES = Path.of(System.getProperty("java.io.tmpdir"), "keel-histories");

  /** What the clients do: add to a counter, or read and write keys in sessions. */
  enum WorkloadKind { COUNTER, KV }

  /** A protocol option: on, off, or drawn by each seed. */
  enum Toggle { ON, OFF, SWARM }

  /** The protocol's other settings and the client load: drawn by each seed, or the defaults. */
  enum Protocol { SWARM, DEFAULTS }

  /** The configuration of seed {@code seed}. */
  SimulationConfig configFor(long seed) {
    Duration time = Duration.ofSeconds(simulatedSeconds);
    SimulationConfig base = SimulationConfig.defaults(seed).withNodes(nodes).withFaults(faults).withSimulatedTime(time);
    SimulationConfig drawn = ProtocolSwarm.draw(base);
    if (protocol == Protocol.DEFAULTS) {
      drawn = base.withRaft(base.raft().toBuilder().preVote(drawn.raft().preVote())
          .checkQuorum(drawn.raft().checkQuorum()).build());
    }
    RaftConfig raft = drawn.raft().toBuilder()
        .preVote(decide(preVote, drawn.raft().preVote()))
        .checkQuorum(decide(checkQuorum, drawn.raft().checkQuorum()))
        .build();
    if (workload == WorkloadKind.KV) {
      // The swarm's chunks of 1 to 8 bytes cut the counter's 8-byte snapshot into a few chunks; a
      // key-value snapshot (the map and the session table) is a hundred times larger, so its chunks
      // are too, to keep transfers of a few chunks rather than hundreds.
      raft = raft.toBuilder().snapshotChunkBytes(raft.snapshotChunkBytes() * KV_CHUNK_SCALE).build();
    }
    // The heal period follows the liveness bound, which follows the drawn election timeouts.
    return drawn.withRaft(raft).withSimulatedTime(time);
  }

  /** Runs seed {@code seed} under its drawn schedule, or under {@code schedule} if not null. */
  SimulationReport run(long seed, FaultSchedule schedule, Consumer<String> trace) {
    Simulation<?> simulation = simulation(seed, schedule);
    if (trace != null) {
      simulation.traceTo(trace);
    }
    return simulation.run();
  }

  /** The simulation of seed {@code seed} under its drawn schedule, or under {@code schedule} if not null, not run yet. */
  Simulation<?> simulation(long seed, FaultSchedule schedule) {
    SimulationConfig config = configFor(seed);
    return workload == WorkloadKind.KV
        ? new Simulation<>(config, schedule, () -> KvWorkload.stateMachine(KV_SESSIONS),
            new KvWorkload(seed, 3, config.clients(), HISTORIES))
        : new Simulation<>(config, schedule, CounterStateMachine::new, CounterStateMachine.randomAdds());
  }

  /** The options that reproduce these settings on the command line. */
  String options() {
    return "--nodes " + nodes + " --sim-seconds " + simulatedSeconds + " --faults " + faultsText
        + " --protocol " + protocol.name().toLowerCase(Locale.ROOT)
        + " --pre-vote " + preVote.name().toLowerCase(Locale.ROOT)
        + " --check-quorum " + checkQuorum.name().toLowerCase(Locale.ROOT)
        + (workload == WorkloadKind.KV ? " --workload kv" : "");
  }

  /** A line naming the protocol settings and client load seed {@code seed} runs with. */
  String protocolOf(long seed) {
    return ProtocolSwarm.describe(configFor(seed));
  }

  private static boolean decide(Toggle toggle, boolean drawn) {
    return switch (toggle) {
      case ON -> true;
      case OFF -> false;
      case SWARM -> drawn;
    };
  }
}

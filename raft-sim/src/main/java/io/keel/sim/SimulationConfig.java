package io.keel.sim;

import io.keel.raft.RaftConfig;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * One simulation's settings: the seed, the cluster, how long it runs, which faults the nemesis may
 * draw, how the clients behave and what liveness means. Validated when built, naming the field and
 * its range.
 *
 * @param seed decides every random choice of the run
 * @param nodes cluster size, 1 to 9
 * @param simulatedTime how long the run lasts in simulated time, the heal period included
 * @param healPeriod the fault-free period at the end of the run, in which liveness is checked
 * @param raft the protocol configuration every node uses
 * @param faults the kinds of fault the nemesis draws from (each seed draws its own rates)
 * @param clients how many clients propose commands, each one at a time
 * @param clientThinkTime how long a client waits between an answer and its next command
 * @param clientTimeout how long a client waits for an answer before it retries elsewhere
 * @param livenessBound how soon after the heal a new proposal must commit
 * @param stormElections how many elections may begin in the second half of the liveness bound
 *     before the run counts as an election storm
 * @param persistentStateMachines whether each node's state machine keeps its state across the
 *     node's crashes and tells the restarted node how far it got, instead of starting empty and
 *     replaying the log ({@link io.keel.raft.StateMachine#appliedIndex()})
 * @param snapshotEveryEntries how many applied entries call for a snapshot of a node's state
 *     machine, restored when the node restarts; 0 for none
 */
public record SimulationConfig(
    long seed,
    int nodes,
    Duration simulatedTime,
    Duration healPeriod,
    RaftConfig raft,
    Set<FaultKind> faults,
    int clients,
    Duration clientThinkTime,
    Duration clientTimeout,
    Duration livenessBound,
    int stormElections,
    boolean persistentStateMachines,
    long snapshotEveryEntries) {

  /** Validates every field. */
  public SimulationConfig {
    Checks.range("nodes", nodes, 1, 9);
    Checks.positive("simulatedTime", simulatedTime);
    Checks.nonNegative("healPeriod", healPeriod);
    if (healPeriod.compareTo(simulatedTime) > 0) {
      throw new IllegalArgumentException("healPeriod must be at most simulatedTime (" + simulatedTime
          + "), got " + healPeriod);
    }
    if (raft == null) {
      throw new IllegalArgumentException("raft must be set");
    }
    faults = faults.isEmpty() ? EnumSet.noneOf(FaultKind.class) : EnumSet.copyOf(faults);
    Checks.range("clients", clients, 0, 1000);
    Checks.nonNegative("clientThinkTime", clientThinkTime);
    Checks.positive("clientTimeout", clientTimeout);
    Checks.positive("livenessBound", livenessBound);
    Checks.range("stormElections", stormElections, 1, 1_000_000);
    Checks.range("snapshotEveryEntries", snapshotEveryEntries, 0, 1_000_000_000);
  }

  /**
   * The default run: three nodes for 30 simulated seconds under every kind of fault, with a 10-second
   * heal period at the end; three clients, each proposing a command 10 ms after its last answer and
   * retrying after 1 s without one; liveness means a commit within 10 maximum election timeouts
   * of the heal, and at most 3 elections in the second half of that time.
   */
  public static SimulationConfig defaults(long seed) {
    RaftConfig raft = simulatedDefaults();
    return new SimulationConfig(seed, 3, Duration.ofSeconds(30), Duration.ofSeconds(10), raft,
        FaultKind.all(), 3, Duration.ofMillis(10), Duration.ofSeconds(1),
        raft.electionTimeoutMax().multipliedBy(10), 3, false, 0);
  }

  /**
   * {@link RaftConfig#defaults()} with the Raft paper's timings: an election timeout of 150–300 ms
   * and a heartbeat every 50 ms. A simulated node has no garbage collector to allow for (the reason
   * the library's defaults are longer), shorter timeouts pack more elections into a simulated
   * second, and the scenarios and figures in docs/simulator.md were written against these. A new
   * voter gets 5 s to catch up, against the library's 2 minutes, so that a change held up by a
   * fault fails within a run.
   */
  public static RaftConfig simulatedDefaults() {
    return RaftConfig.defaults().toBuilder()
        .electionTimeout(Duration.ofMillis(150), Duration.ofMillis(300))
        .heartbeatInterval(Duration.ofMillis(50))
        .catchUpTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** This configuration with another seed. */
  public SimulationConfig withSeed(long newSeed) {
    return new SimulationConfig(newSeed, nodes, simulatedTime, healPeriod, raft, faults, clients,
        clientThinkTime, clientTimeout, livenessBound, stormElections, persistentStateMachines, snapshotEveryEntries);
  }

  /** This configuration with another cluster size. */
  public SimulationConfig withNodes(int newNodes) {
    return new SimulationConfig(seed, newNodes, simulatedTime, healPeriod, raft, faults, clients,
        clientThinkTime, clientTimeout, livenessBound, stormElections, persistentStateMachines, snapshotEveryEntries);
  }

  /**
   * This configuration with another duration; the heal period becomes a sixth of it, at least twice
   * the liveness bound where the run is long enough, and at most half the run.
   */
  public SimulationConfig withSimulatedTime(Duration newTime) {
    Duration heal = newTime.dividedBy(6);
    if (heal.compareTo(livenessBound.multipliedBy(2)) < 0) {
      heal = livenessBound.multipliedBy(2);
    }
    if (heal.compareTo(newTime.dividedBy(2)) > 0) {
      heal = newTime.dividedBy(2);
    }
    return new SimulationConfig(seed, nodes, newTime, heal, raft, faults, clients, clientThinkTime,
        clientTimeout, livenessBound, stormElections, persistentStateMachines, snapshotEveryEntries);
  }

  /** This configuration with another protocol configuration; the liveness bound follows its timeouts. */
  public SimulationConfig withRaft(RaftConfig newRaft) {
    return new SimulationConfig(seed, nodes, simulatedTime, healPeriod, newRaft, faults, clients,
        clientThinkTime, clientTimeout, newRaft.electionTimeoutMax().multipliedBy(10), stormElections,
        persistentStateMachines, snapshotEveryEntries);
  }

  /** This configuration with another set of fault kinds. */
  public SimulationConfig withFaults(Set<FaultKind> newFaults) {
    return new SimulationConfig(seed, nodes, simulatedTime, healPeriod, raft, newFaults, clients,
        clientThinkTime, clientTimeout, livenessBound, stormElections, persistentStateMachines, snapshotEveryEntries);
  }

  /** This configuration with another number of clients and think time. */
  public SimulationConfig withClients(int newClients, Duration newThinkTime) {
    return new SimulationConfig(seed, nodes, simulatedTime, healPeriod, raft, faults, newClients,
        newThinkTime, clientTimeout, livenessBound, stormElections, persistentStateMachines, snapshotEveryEntries);
  }

  /** This configuration with state machines that keep their state across crashes, or not. */
  public SimulationConfig withPersistentStateMachines(boolean persistent) {
    return new SimulationConfig(seed, nodes, simulatedTime, healPeriod, raft, faults, clients,
        clientThinkTime, clientTimeout, livenessBound, stormElections, persistent, snapshotEveryEntries);
  }

  /** This configuration with a snapshot every {@code entries} applied entries (0: none). */
  public SimulationConfig withSnapshotEveryEntries(long entries) {
    return new SimulationConfig(seed, nodes, simulatedTime, healPeriod, raft, faults, clients,
        clientThinkTime, clientTimeout, livenessBound, stormElections, persistentStateMachines, entries);
  }

  /** This configuration with another heal period. */
  public SimulationConfig withHealPeriod(Duration newHealPeriod) {
    return new SimulationConfig(seed, nodes, simulatedTime, newHealPeriod, raft, faults, clients,
        clientThinkTime, clientTimeout, livenessBound, stormElections, persistentStateMachines, snapshotEveryEntries);
  }

  /** When the heal begins, as simulated time from the start. */
  public Duration healAt() {
    return simulatedTime.minus(healPeriod);
  }
}

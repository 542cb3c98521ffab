package io.keel.sim.study;

import io.keel.raft.RaftConfig;
import io.keel.raft.protocol.Role;
import io.keel.sim.CounterStateMachine;
import io.keel.sim.Fault;
import io.keel.sim.FaultSchedule;
import io.keel.sim.NetworkModel;
import io.keel.sim.SimRandom;
import io.keel.sim.SimulatedNode;
import io.keel.sim.Simulation;
import io.keel.sim.SimulationConfig;
import io.keel.sim.SimulationReport;
import java.time.Duration;
import java.util.EnumSet;

/**
 * One trial of the election-timing study, on the real simulator: five nodes on a fault-free network
 * elect a leader; once it is stable (every other node follows it and has committed its first
 * entry), it crashes at a uniformly random point of the next heartbeat interval; the trial measures
 * the simulated time and the messages until some node is leader of a higher term. No client proposes anything, so every message counted
 * is election or heartbeat traffic. The seed decides everything, so a trial replays exactly.
 */
public final class ElectionTrial {

  /** The cluster size of the paper's experiment. */
  public static final int NODES = 5;
  /**
   * One-way message delay, uniform in 5–10 ms (mean 7.5 ms): a request and its response take
   * 15 ms on average, the paper's "broadcast time of about 15 ms".
   */
  public static final NetworkModel NETWORK =
      NetworkModel.reliable().withDelay(Duration.ofMillis(5), Duration.ofMillis(10));
  /** Nominal fsync latency (each fsync draws 0.5–1.5 times it): small beside the network's. */
  public static final Duration FSYNC_LATENCY = Duration.ofMillis(1).dividedBy(2);
  /** How long a trial waits for its first leader, the one it crashes, before it gives up. */
  public static final Duration FIRST_LEADER_LIMIT = Duration.ofMinutes(10);

  private final StudyCell cell;
  private final long capNanos;
  private final long seed;
  private final long heartbeatNanos;
  private final SimRandom random;
  private long crashAtNanos = -1;
  private long crashedAtNanos = -1;
  private long crashedTerm;
  private long messagesAtCrash;
  private TrialResult.Outcome outcome = TrialResult.Outcome.NO_LEADER_TO_CRASH;
  private long timeToLeaderNanos = -1;
  private long messages;
  private long elections;

  private ElectionTrial(StudyCell cell, Duration cap, long seed) {
    this.cell = cell;
    this.capNanos = cap.toNanos();
    this.seed = seed;
    this.heartbeatNanos = cell.range().heartbeatInterval().toNanos();
    // A stream of its own, so that choosing the crash point shifts none of the simulation's draws.
    this.random = new SimRandom(seed ^ 0x5EED_C4A5_11EDL);
  }

  /**
   * Runs the trial of {@code cell} with {@code seed}; a trial that elects no new leader within
   * {@code cap} of the crash (or no first leader within {@link #FIRST_LEADER_LIMIT}) ends there.
   */
  public static TrialResult run(StudyCell cell, Duration cap, long seed) {
    if (cap.isNegative() || cap.isZero()) {
      throw new IllegalArgumentException("the cap must be positive, got " + cap);
    }
    return new ElectionTrial(cell, cap, seed).run();
  }

  /** The simulation settings of a trial: no faults, no clients, no heal, long enough for the caps. */
  static SimulationConfig configFor(StudyCell cell, Duration cap, long seed) {
    RaftConfig raft = RaftConfig.builder()
        .electionTimeout(cell.range().min(), cell.range().max())
        .heartbeatInterval(cell.range().heartbeatInterval())
        .preVote(cell.preVote())
        .checkQuorum(cell.checkQuorum())
        .build();
    Duration length = FIRST_LEADER_LIMIT.plus(cap).plus(cell.range().max().multipliedBy(4)).plusSeconds(1);
    return SimulationConfig.defaults(seed)
        .withNodes(NODES)
        .withFaults(EnumSet.noneOf(io.keel.sim.FaultKind.class))
        .withClients(0, Duration.ZERO)
        .withRaft(raft)
        .withSimulatedTime(length)
        .withHealPeriod(Duration.ZERO);
  }

  private TrialResult run() {
    FaultSchedule schedule = FaultSchedule.none(NODES).withNetwork(NETWORK).withDisk(FSYNC_LATENCY, false);
    Simulation<Long> simulation = new Simulation<>(configFor(cell, Duration.ofNanos(capNanos), seed), schedule,
        CounterStateMachine::new, CounterStateMachine.randomAdds());
    SimulationReport report = simulation.observeEvents(this::afterEvent).run();
    if (!report.ok()) {
      throw new IllegalStateException("trial " + seed + " of " + cell.label() + " broke a property: "
          + report.violation());
    }
    return new TrialResult(seed, outcome, timeToLeaderNanos, messages, elections, report.events());
  }

  private void afterEvent(Simulation<Long> simulation) {
    long now = simulation.nowNanos();
    if (crashAtNanos < 0) {
      awaitStableLeader(simulation, now);
    } else if (crashedAtNanos < 0) {
      awaitCrash(simulation, now);
    } else {
      awaitNewLeader(simulation, now);
    }
  }

  private void awaitStableLeader(Simulation<Long> simulation, long now) {
    SimulatedNode<Long> leader = leaderAbove(simulation, 0);
    if (leader != null && followedByAll(simulation, leader)) {
      crashAtNanos = now + random.nextLong(heartbeatNanos);
      simulation.injectAt(crashAtNanos, new Fault.CrashLeader());
    } else if (now > FIRST_LEADER_LIMIT.toNanos()) {
      simulation.stop();
    }
  }

  /** Whether every other node follows {@code leader} in its term and has committed its first entry. */
  private static boolean followedByAll(Simulation<Long> simulation, SimulatedNode<Long> leader) {
    long term = leader.raft().currentTerm();
    for (SimulatedNode<Long> node : simulation.nodes()) {
      if (node != leader && (node.raft().role() != Role.FOLLOWER || node.raft().currentTerm() != term
          || node.raft().commitIndex() < leader.raft().lastLogIndex())) {
        return false;
      }
    }
    return true;
  }

  private void awaitCrash(Simulation<Long> simulation, long now) {
    for (SimulatedNode<Long> node : simulation.nodes()) {
      if (node.isCrashed()) {
        // A crashed node's Raft object keeps the state it crashed with.
        crashedAtNanos = now;
        crashedTerm = node.raft().currentTerm();
        messagesAtCrash = simulation.messagesSent();
        outcome = TrialResult.Outcome.TIMED_OUT;
        return;
      }
    }
    if (now > crashAtNanos) {
      crashAtNanos = -1; // nobody led when the crash was due: wait for a stable leader again
    }
  }

  private void awaitNewLeader(Simulation<Long> simulation, long now) {
    SimulatedNode<Long> leader = leaderAbove(simulation, crashedTerm);
    if (leader != null) {
      outcome = TrialResult.Outcome.ELECTED;
      timeToLeaderNanos = now - crashedAtNanos;
      messages = simulation.messagesSent() - messagesAtCrash;
      elections = leader.raft().currentTerm() - crashedTerm;
      simulation.stop();
    } else if (now - crashedAtNanos >= capNanos) {
      timeToLeaderNanos = capNanos;
      messages = simulation.messagesSent() - messagesAtCrash;
      elections = maxTerm(simulation) - crashedTerm;
      simulation.stop();
    }
  }

  /** A live leader of a term above {@code term}, or null. */
  private static SimulatedNode<Long> leaderAbove(Simulation<Long> simulation, long term) {
    for (SimulatedNode<Long> node : simulation.nodes()) {
      if (!node.isCrashed() && node.raft().role() == Role.LEADER && node.raft().currentTerm() > term) {
        return node;
      }
    }
    return null;
  }

  private static long maxTerm(Simulation<Long> simulation) {
    long max = 0;
    for (SimulatedNode<Long> node : simulation.nodes()) {
      max = Math.max(max, node.raft().currentTerm());
    }
    return max;
  }
}

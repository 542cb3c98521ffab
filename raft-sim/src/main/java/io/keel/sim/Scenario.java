package io.keel.sim;

import io.keel.raft.RaftConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A scripted simulation: a short, readable list of faults at given times, instead of the ones a seed
 * draws. Times and durations are written as text ({@code "1.5s"}, {@code "300ms"}); nodes are
 * numbered from 1. The seed still decides message delays, timeouts and the clients' commands, so a
 * script can be run over many seeds. For example, a leader cut off from its majority:
 *
 * <pre>{@code
 * Scenario.Result result = Scenario.of(5)
 *     .isolateLeader("2s")
 *     .expectLivenessFrom("2s")
 *     .runFor("8s")
 *     .run(seed);
 * assertTrue(result.report().ok(), result.report().summary());
 * }</pre>
 *
 * <p>Every safety property is checked after every event, as in any run; liveness is judged only
 * where the script asks for it ({@link #expectLivenessFrom}, or a {@link #heal}).
 */
public final class Scenario {

  /**
   * A scripted run's report, the simulation to inspect its nodes afterwards, and how many of the
   * script's {@code when} conditions came true.
   */
  public record Result(SimulationReport report, Simulation<Long> simulation, int reactionsFired) {}

  /** A step that waits for a state of the cluster rather than a time: faults, each after its delay. */
  private static final class Reaction {
    final Predicate<List<SimulatedNode<Long>>> condition;
    final List<FaultSchedule.Timed> faults;
    boolean done;

    Reaction(Predicate<List<SimulatedNode<Long>>> condition, List<FaultSchedule.Timed> faults) {
      this.condition = condition;
      this.faults = faults;
    }
  }

  private final int nodes;
  private RaftConfig raft = SimulationConfig.simulatedDefaults();
  private FaultSchedule schedule;
  private final List<FaultSchedule.Timed> faults = new ArrayList<>();
  private final List<Reaction> reactions = new ArrayList<>();
  private Duration runFor = Duration.ofSeconds(10);
  private Duration livenessFrom;
  private int clients = 2;
  private Duration thinkTime = Duration.ofMillis(10);
  private Duration clientTimeout = Duration.ofSeconds(1);
  private long snapshotEvery;
  private boolean catchUp;
  private boolean persistentStateMachines;

  private Scenario(int nodes) {
    Checks.range("nodes", nodes, 1, 9);
    this.nodes = nodes;
    this.schedule = FaultSchedule.none(nodes);
  }

  /** A script for a cluster of {@code nodes}, on a reliable network (1–5 ms), with two clients. */
  public static Scenario of(int nodes) {
    return new Scenario(nodes);
  }

  /** Changes the protocol configuration, e.g. {@code raft(b -> b.preVote(false))}. */
  public Scenario raft(UnaryOperator<RaftConfig.Builder> change) {
    this.raft = change.apply(raft.toBuilder()).build();
    return this;
  }

  /** Turns PreVote and CheckQuorum on or off together. */
  public Scenario preVoteAndCheckQuorum(boolean on) {
    return raft(builder -> builder.preVote(on).checkQuorum(on));
  }

  /** The network's model from the start. */
  public Scenario network(NetworkModel model) {
    this.schedule = schedule.withNetwork(model);
    return this;
  }

  /** The disks' fsync latency, and whether crashes tear unsynced writes. */
  public Scenario disk(String fsyncLatency, boolean tornWrites) {
    this.schedule = schedule.withDisk(Durations.parse(fsyncLatency), tornWrites);
    return this;
  }

  /** How many clients propose throughout, and how long each thinks between commands. */
  public Scenario clients(int count, String think) {
    this.clients = count;
    this.thinkTime = Durations.parse(think);
    return this;
  }

  /**
   * Every node snapshots its state machine every {@code entries} applied entries and compacts its
   * log behind it, keeping {@code trailing}; snapshots are sent in chunks of {@code chunkBytes},
   * {@code window} at a time.
   */
  public Scenario snapshots(long entries, long trailing, int chunkBytes, int window) {
    this.snapshotEvery = entries;
    return raft(builder -> builder.snapshotTrailingEntries(trailing).snapshotChunkBytes(chunkBytes)
        .maxInflightSnapshotChunks(window));
  }

  /** Whether state machines keep their state across crashes (as a store that writes each apply atomically). */
  public Scenario persistentStateMachines(boolean persistent) {
    this.persistentStateMachines = persistent;
    return this;
  }

  /** Adds the faults of a schedule written in {@link FaultSchedule}'s text form ({@code at} lines). */
  public Scenario script(String text) {
    String spares = schedule.spares() > 0 ? "spares " + schedule.spares() + "\n" : "";
    faults.addAll(FaultSchedule.parse(nodes, spares + text).faults());
    return this;
  }

  /**
   * Runs {@code count} spare nodes beside the cluster, numbered after its nodes: they start empty,
   * as nodes that join, and take part once a {@link Fault.Membership} adds them.
   */
  public Scenario spares(int count) {
    this.schedule = schedule.withSpares(count);
    return this;
  }

  /** The leader of the moment is asked for {@code op} at {@code time}, naming {@code node} if the op names one (else 0). */
  public Scenario membership(String time, Fault.MembershipOp op, int node) {
    return at(time, new Fault.Membership(op, node));
  }

  /** Injects {@code fault} at {@code time}. */
  public Scenario at(String time, Fault fault) {
    faults.add(new FaultSchedule.Timed(Durations.parse(time), Objects.requireNonNull(fault, "fault")));
    return this;
  }

  /** Node {@code node} crashes at {@code time}. */
  public Scenario crash(String time, int node) {
    return at(time, new Fault.Crash(node));
  }

  /** Whoever leads crashes at {@code time}. */
  public Scenario crashLeader(String time) {
    return at(time, new Fault.CrashLeader());
  }

  /** Node {@code node} restarts at {@code time}. */
  public Scenario restart(String time, int node) {
    return at(time, new Fault.Restart(node));
  }

  /** The network's links become {@code partition}'s at {@code time}. */
  public Scenario partition(String time, Partition partition) {
    return at(time, new Fault.Cut(partition));
  }

  /** Node {@code node} is cut off from every other at {@code time}. */
  public Scenario isolate(String time, int node) {
    return partition(time, Partition.isolate(nodes, node));
  }

  /** Whoever leads is cut off from every other node at {@code time}. */
  public Scenario isolateLeader(String time) {
    return at(time, new Fault.IsolateLeader());
  }

  /** Node {@code node}'s clock jumps forward by {@code amount} at {@code time}: it times out first. */
  public Scenario clockJump(String time, int node, String amount) {
    return at(time, new Fault.ClockJump(node, Durations.parse(amount)));
  }

  /** How long clients and readers wait for an answer before they try again elsewhere (1 s unless set). */
  public Scenario clientTimeout(String time) {
    this.clientTimeout = Durations.parse(time);
    return this;
  }

  /** The nodes' clocks drift by {@code ppm}, node 1 first, in parts per million (positive: fast). */
  public Scenario clockDrift(long... ppm) {
    List<Long> drift = new ArrayList<>(schedule.driftPpm());
    for (int i = 0; i < ppm.length; i++) {
      drift.set(i, ppm[i]);
    }
    schedule = schedule.withDrift(drift);
    return this;
  }

  /** A scripted client proposes one command at node {@code node} at {@code time}. */
  public Scenario propose(String time, int node) {
    return at(time, new Fault.Propose(node));
  }

  /**
   * The first time {@code condition} holds after an event, injects {@code faults}, in order, at that
   * same moment (after the event, before anything it sent arrives): for steps that must follow a
   * state of the cluster, such as "as soon as n5 leads, cut it off".
   */
  public Scenario when(Predicate<List<SimulatedNode<Long>>> condition, Fault... faults) {
    List<FaultSchedule.Timed> now = new ArrayList<>();
    for (Fault fault : faults) {
      now.add(new FaultSchedule.Timed(Duration.ZERO, Objects.requireNonNull(fault, "fault")));
    }
    reactions.add(new Reaction(Objects.requireNonNull(condition, "condition"), now));
    return this;
  }

  /**
   * The first time {@code condition} holds after an event, injects {@code first} at that moment
   * and {@code then} {@code delay} later: "as soon as n3 receives a snapshot, crash it, and
   * restart it 500 ms later".
   */
  public Scenario when(Predicate<List<SimulatedNode<Long>>> condition, Fault first, String delay, Fault then) {
    reactions.add(new Reaction(Objects.requireNonNull(condition, "condition"), List.of(
        new FaultSchedule.Timed(Duration.ZERO, Objects.requireNonNull(first, "first")),
        new FaultSchedule.Timed(Durations.parse(delay), Objects.requireNonNull(then, "then")))));
    return this;
  }

  /** Every fault ends at {@code time}; liveness is judged from then. */
  public Scenario heal(String time) {
    return at(time, new Fault.Heal());
  }

  /** Liveness is judged from {@code time}, while the faults in force then last. */
  public Scenario expectLivenessFrom(String time) {
    this.livenessFrom = Durations.parse(time);
    return this;
  }

  /**
   * At the run's end, every running node must have applied what was committed when liveness began
   * to be judged, or still be applying more ({@code Catch-Up}); only for scripts whose faults have
   * ended by then.
   */
  public Scenario expectCatchUp() {
    this.catchUp = true;
    return this;
  }

  /** How long the run lasts (10 s unless set). */
  public Scenario runFor(String time) {
    this.runFor = Durations.parse(time);
    return this;
  }

  /** The fault schedule this script builds. */
  public FaultSchedule schedule() {
    return schedule.withFaults(faults);
  }

  /** The configuration this script runs with, for seed {@code seed}. */
  public SimulationConfig config(long seed) {
    return new SimulationConfig(seed, nodes, runFor, Duration.ZERO, raft, EnumSet.noneOf(FaultKind.class), clients,
        thinkTime, clientTimeout, raft.electionTimeoutMax().multipliedBy(10), 3, persistentStateMachines,
        snapshotEvery);
  }

  /** Runs the script under {@code seed}, with the replicated counter as the state machine. */
  public Result run(long seed) {
    return run(seed, null);
  }

  /** Runs the script under {@code seed}, printing its event trace to {@code trace} if not null. */
  public Result run(long seed, java.util.function.Consumer<String> trace) {
    Simulation<Long> simulation = new Simulation<>(config(seed), schedule(), CounterStateMachine::new,
        CounterStateMachine.randomAdds());
    if (trace != null) {
      simulation.traceTo(trace);
    }
    if (livenessFrom != null) {
      simulation.checkLivenessFrom(livenessFrom);
    }
    if (catchUp) {
      simulation.checkCatchUp();
    }
    List<Reaction> fresh = new ArrayList<>();
    if (!reactions.isEmpty()) {
      for (Reaction reaction : reactions) {
        fresh.add(new Reaction(reaction.condition, reaction.faults));
      }
      simulation.observeEvents(running -> {
        for (Reaction reaction : fresh) {
          if (!reaction.done && reaction.condition.test(running.nodes())) {
            reaction.done = true;
            for (FaultSchedule.Timed timed : reaction.faults) {
              running.injectAt(running.nowNanos() + timed.at().toNanos(), timed.fault());
            }
          }
        }
      });
    }
    SimulationReport report = simulation.run();
    return new Result(report, simulation, (int) fresh.stream().filter(reaction -> reaction.done).count());
  }
}

package io.keel.sim;

import io.keel.raft.LeadershipLostException;
import io.keel.raft.NodeId;
import io.keel.raft.StateMachine;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A deterministic simulation of a Raft cluster: the real {@code raft-core} nodes driven by one event
 * queue in simulated time, with a lossy network of random delays, disks that sync after a delay,
 * leader crashes and restarts, and a client proposing commands throughout. One seed decides every
 * choice, so a run replays exactly. Safety is checked after every event.
 *
 * <p>This is the first cut of the simulator; its fault model grows with the simulator's own issue.
 *
 * @param <R> the state machine's result type
 */
public final class Simulation<R> {

  private enum Kind { DELIVER, TIMER, DISK, PROPOSE, CRASH_LEADER, RESTART }

  private record Event(long timeNanos, long sequence, Kind kind, int node, Message message) {}

  private final SimulationConfig config;
  private final Workload workload;
  private final SimRandom random;
  private final List<SimulatedNode<R>> nodes = new ArrayList<>();
  private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.timeNanos != b.timeNanos
      ? Long.compare(a.timeNanos, b.timeNanos) : Long.compare(a.sequence, b.sequence));
  private final long[] timerAt;
  private final long[] diskAt;
  private final SafetyChecker checker = new SafetyChecker();
  private final List<CompletableFuture<R>> outstanding = new ArrayList<>();
  private long nowNanos;
  private long sequence;
  private long events;
  private long proposals;
  private long acknowledged;
  private long refused;
  private long unknownOutcome;
  private long firstLeaderNanos = -1;
  private int crashes;
  private long messagesSent;
  private long messagesDropped;

  /**
   * A simulation of {@code config}, each node running a state machine from {@code stateMachines},
   * the client proposing commands from {@code workload}.
   */
  public Simulation(SimulationConfig config, Supplier<? extends StateMachine<R>> stateMachines, Workload workload) {
    this.config = Objects.requireNonNull(config, "config");
    this.workload = Objects.requireNonNull(workload, "workload");
    this.random = new SimRandom(config.seed());
    List<NodeId> voters = new ArrayList<>();
    for (int i = 1; i <= config.nodes(); i++) {
      voters.add(NodeId.of("n" + i));
    }
    for (int i = 0; i < config.nodes(); i++) {
      int from = i;
      nodes.add(new SimulatedNode<>(voters.get(i), voters, config.raft(), stateMachines,
          (to, message) -> send(from, to, message), () -> nowNanos, config.diskSyncDelay().toNanos(),
          random.nextLong(), checker::onApplied));
    }
    this.timerAt = new long[config.nodes()];
    this.diskAt = new long[config.nodes()];
  }

  /** The simulated nodes, to inspect after (or during) a run. */
  public List<SimulatedNode<R>> nodes() {
    return nodes;
  }

  /** Runs to the end of the simulated time, or to the first safety violation. */
  public SimulationReport run() {
    long startWall = System.nanoTime();
    long endNanos = config.simulatedTime().toNanos();
    for (int i = 0; i < nodes.size(); i++) {
      timerAt[i] = -1;
      reschedule(i);
    }
    schedule(config.proposalInterval().toNanos(), Kind.PROPOSE, -1, null);
    if (!config.leaderCrashInterval().isZero()) {
      schedule(config.leaderCrashInterval().toNanos(), Kind.CRASH_LEADER, -1, null);
    }
    String violation = null;
    try {
      while (!queue.isEmpty() && queue.peek().timeNanos() <= endNanos) {
        Event event = queue.poll();
        nowNanos = event.timeNanos();
        events++;
        process(event);
      }
      nowNanos = endNanos;
    } catch (SafetyChecker.SafetyViolation | IllegalStateException e) {
      violation = e.getMessage() + " (at " + nowNanos / 1_000_000 + " ms)";
    }
    settleOutstanding();
    unknownOutcome += outstanding.size(); // still pending at the end, or lost with a crashed leader
    outstanding.clear();
    return new SimulationReport(config.seed(), config.nodes(), nowNanos / 1_000_000, events,
        (System.nanoTime() - startWall) / 1_000_000, checker.termsWithLeader(),
        firstLeaderNanos < 0 ? -1 : firstLeaderNanos / 1_000_000, proposals, acknowledged, refused,
        unknownOutcome, checker.highestCommitted(), crashes, messagesSent, messagesDropped, violation);
  }

  private void process(Event event) {
    switch (event.kind()) {
      case DELIVER -> onNode(event.node(), node -> node.raft().receive(event.message()));
      case TIMER -> {
        if (timerAt[event.node()] == event.timeNanos()) {
          timerAt[event.node()] = -1;
          onNode(event.node(), node -> { });
        }
      }
      case DISK -> {
        if (diskAt[event.node()] == event.timeNanos()) {
          diskAt[event.node()] = -1;
          onNode(event.node(), node -> node.store().reportDurable(nowNanos));
        }
      }
      case PROPOSE -> propose();
      case CRASH_LEADER -> crashLeader();
      case RESTART -> restart(event.node());
    }
  }

  /** Brings the node's clock to now, runs {@code action}, checks safety, and reschedules its timers. */
  private void onNode(int index, Consumer<SimulatedNode<R>> action) {
    SimulatedNode<R> node = nodes.get(index);
    if (node.isCrashed()) {
      return;
    }
    node.raft().tick(nowNanos);
    action.accept(node);
    checker.check(node);
    if (firstLeaderNanos < 0 && node.raft().role() == Role.LEADER) {
      firstLeaderNanos = nowNanos;
    }
    reschedule(index);
  }

  private void reschedule(int index) {
    SimulatedNode<R> node = nodes.get(index);
    long deadline = Math.max(nowNanos, node.raft().nextDeadlineNanos());
    if (timerAt[index] != deadline && deadline != Long.MAX_VALUE) {
      timerAt[index] = deadline;
      schedule(deadline, Kind.TIMER, index, null);
    }
    long durable = node.store().nextDurableNanos();
    if (durable != Long.MAX_VALUE && diskAt[index] != Math.max(nowNanos, durable)) {
      diskAt[index] = Math.max(nowNanos, durable);
      schedule(diskAt[index], Kind.DISK, index, null);
    }
  }

  private void send(int from, NodeId to, Message message) {
    messagesSent++;
    if (random.chance(config.dropProbability())) {
      messagesDropped++;
      return;
    }
    long delay = random.between(config.messageDelayMin().toNanos(), config.messageDelayMax().toNanos());
    schedule(nowNanos + delay, Kind.DELIVER, indexOf(to), message);
  }

  private void propose() {
    schedule(nowNanos + config.proposalInterval().toNanos(), Kind.PROPOSE, -1, null);
    SimulatedNode<R> target = leader();
    if (target == null) {
      target = nodes.get((int) random.nextLong(nodes.size()));
      if (target.isCrashed()) {
        refused++;
        proposals++;
        return;
      }
    }
    int index = nodes.indexOf(target);
    proposals++;
    byte[] command = workload.nextCommand(proposals, random);
    SimulatedNode<R> proposer = target;
    onNode(index, node -> outstanding.add(proposer.raft().propose(command)));
    settleOutstanding();
  }

  private void crashLeader() {
    schedule(nowNanos + config.leaderCrashInterval().toNanos(), Kind.CRASH_LEADER, -1, null);
    SimulatedNode<R> leader = leader();
    if (leader == null) {
      return;
    }
    int index = nodes.indexOf(leader);
    leader.crash();
    crashes++;
    timerAt[index] = -1;
    diskAt[index] = -1;
    schedule(nowNanos + config.restartDelay().toNanos(), Kind.RESTART, index, null);
  }

  private void restart(int index) {
    SimulatedNode<R> node = nodes.get(index);
    node.restart();
    checker.onRestart(node.id());
    onNode(index, started -> { });
  }

  private SimulatedNode<R> leader() {
    SimulatedNode<R> found = null;
    for (SimulatedNode<R> node : nodes) {
      if (!node.isCrashed() && node.raft().role() == Role.LEADER
          && (found == null || node.raft().currentTerm() > found.raft().currentTerm())) {
        found = node;
      }
    }
    return found;
  }

  /** Counts the proposals that have an answer; a crashed proposer's are unknown. */
  private void settleOutstanding() {
    outstanding.removeIf(future -> {
      if (!future.isDone()) {
        return false;
      }
      try {
        future.join();
        acknowledged++;
      } catch (CompletionException e) {
        if (e.getCause() instanceof LeadershipLostException) {
          unknownOutcome++;
        } else {
          refused++;
        }
      }
      return true;
    });
  }

  private int indexOf(NodeId id) {
    return Integer.parseInt(id.value().substring(1)) - 1;
  }

  private void schedule(long timeNanos, Kind kind, int node, Message message) {
    queue.add(new Event(timeNanos, sequence++, kind, node, message));
  }

  /** The simulated time now, in nanoseconds. */
  public long nowNanos() {
    return nowNanos;
  }
}

package io.keel.sim;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import io.keel.raft.StateMachine;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.sim.EventQueue.Event;
import io.keel.sim.EventQueue.Kind;
import io.keel.sim.check.Checkers;
import io.keel.sim.check.Liveness;
import io.keel.sim.check.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A deterministic simulation of a Raft cluster: the real {@code raft-core} nodes driven by one event
 * queue in simulated time, over a network that delays, drops, duplicates and partitions messages,
 * on disks that sync late, tear and fail, with clocks that drift, nodes that crash, restart and
 * pause, and clients that propose commands throughout and retry. One seed decides every choice, so a
 * run replays exactly; every safety property is checked after every event, and liveness after the
 * heal that ends each run's faults.
 *
 * @param <R> the state machine's result type
 */
public final class Simulation<R> {

  /** How many readers ask for linearizable reads throughout a run that has clients. */
  static final int READERS = 2;

  private final SimulationConfig config;
  private final FaultSchedule schedule;
  private final FaultRates rates;
  private final EventQueue queue = new EventQueue();
  private final List<SimulatedNode<R>> nodes = new ArrayList<>();
  private final Map<NodeId, Integer> numbers = new HashMap<>();
  private final Checkers checkers;
  /** Whether the run's end judges that every node caught up: after a heal, or when a script asks. */
  private boolean catchUp = true;
  private final Liveness liveness;
  private final SimNetwork network;
  private final Clients clients;
  private final Readers readers;
  private final SimRandom diskRandom;
  private final Trace trace = new Trace();
  private final FaultInjector<R> injector;
  private final NodeEvents nodeEvents;
  private long nowNanos;
  private long events;
  private long maxTerm;
  /** The highest term in which a member of the committed configuration leads or knows its leader. */
  private long leadershipTerm;
  private long firstLeaderNanos = -1;
  private int crashes;
  private int restarts;
  private Consumer<Simulation<R>> eventObserver;
  private boolean stopped;

  /** A simulation of {@code config} under the faults its seed draws ({@link Nemesis}). */
  public Simulation(SimulationConfig config, Supplier<? extends StateMachine<R>> stateMachines, Workload workload) {
    this(config, null, stateMachines, workload);
  }

  /**
   * A simulation of {@code config} under {@code schedule} (null: the one the seed draws), each node
   * running a state machine from {@code stateMachines}, the clients proposing commands from
   * {@code workload}.
   */
  public Simulation(SimulationConfig config, FaultSchedule schedule,
      Supplier<? extends StateMachine<R>> stateMachines, Workload workload) {
    this(config, schedule, stateMachines, workload, false);
  }

  /** With {@code reference}, a fault-free run that only measures the commit rate ({@link HealthChecks}). */
  Simulation(SimulationConfig config, FaultSchedule schedule,
      Supplier<? extends StateMachine<R>> stateMachines, Workload workload, boolean reference) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(stateMachines, "stateMachines");
    Objects.requireNonNull(workload, "workload");
    SimRandom seedRandom = new SimRandom(config.seed());
    Nemesis.Drawn drawn = Nemesis.draw(seedRandom.fork(), config);
    this.schedule = schedule != null ? schedule : drawn.schedule();
    this.rates = schedule != null ? null : drawn.rates();
    boolean lies = this.schedule.faults().stream().anyMatch(timed -> timed.fault() instanceof Fault.Lie);
    int total = config.nodes() + this.schedule.spares();
    if (this.schedule.driftPpm().size() != total) {
      throw new IllegalArgumentException("the schedule has clock drifts for " + this.schedule.driftPpm().size()
          + " nodes, the cluster has " + config.nodes() + " and " + this.schedule.spares() + " spares");
    }
    this.checkers = new Checkers(lies, reference ? Checkers.Settings.none()
        : HealthChecks.settings(config, this.schedule,
            lies ? 0 : HealthChecks.referenceRate(config, this.schedule, stateMachines, workload)));
    this.network = new SimNetwork(seedRandom.fork(), queue, this.schedule.network(), total, trace);
    SimRandom clientRandom = seedRandom.fork();
    this.diskRandom = seedRandom.fork();
    Duration healAt = this.schedule.healAt();
    // A liar may wedge a correct cluster by design (a forged commit index, say): liveness is not judged.
    this.liveness = new Liveness(healAt == null || lies ? -1 : healAt.toNanos(), config.livenessBound().toNanos(),
        config.stormElections(), config.clients() > 0, config.simulatedTime().toNanos(),
        at -> queue.schedule(at, Kind.LIVENESS, 0, null, 0));
    List<NodeId> ids = new ArrayList<>();
    for (int number = 1; number <= total; number++) {
      ids.add(NodeId.of("n" + number));
      numbers.put(ids.get(number - 1), number);
    }
    List<NodeId> founders = List.copyOf(ids.subList(0, config.nodes()));
    checkers.founders(Configuration.ofVoters(founders));
    for (int number = 1; number <= total; number++) {
      int from = number;
      SimulatedDisk disk = new SimulatedDisk(() -> nowNanos, diskRandom.fork(), this.schedule.fsyncLatency().toNanos());
      disk.buggify(this.schedule.buggify());
      disk.committedPrefix(checkers.committedPrefix(), "n" + number);
      nodes.add(new SimulatedNode<>(number, ids.get(number - 1), founders, config.raft(), stateMachines, config.persistentStateMachines(),
          config.snapshotEveryEntries(), (to, message) -> send(from, numbers.get(to), message), disk,
          new NodeClock(this.schedule.driftPpm().get(number - 1)), seedRandom.nextLong(), SimulatedNode.Observer.of(checkers)));
    }
    // The last draws, so that they shift no other stream.
    Rogue rogue = new Rogue(seedRandom.fork());
    this.injector = new FaultInjector<>(host(), network, queue, this.schedule, rogue, seedRandom.fork(),
        config.nodes());
    SimRandom timerRandom = seedRandom.fork();
    SimRandom applyRandom = seedRandom.fork();
    this.nodeEvents = new NodeEvents(queue, this.schedule.buggify(), timerRandom, applyRandom, total,
        () -> nowNanos);
    this.clients = new Clients(config, workload, clientRandom, queue, () -> nowNanos, checkers, liveness, numbers);
    // The last fork: readers shift no other draw of the seed.
    this.readers = new Readers(config.clients() > 0 ? READERS : 0, total, config.clientThinkTime().toNanos() + 1_000_000,
        config.clientTimeout().toNanos(), config.raft().leaseReads(), workload instanceof KeyReads keys ? keys : null,
        seedRandom.fork(), queue, () -> nowNanos, checkers);
  }

  private String buggifyText() {
    FaultSchedule.Buggify buggify = schedule.buggify();
    return buggify.equals(FaultSchedule.Buggify.NONE) ? "" : " buggify(" + buggify.describe() + ")";
  }

  /** Counts into {@code into[0]} every acknowledgement from {@code fromNanos} on (a reference run's rate). */
  void countAcknowledgedFrom(long fromNanos, long[] into) {
    clients.countAcknowledgedFrom(fromNanos, into);
  }

  /** A node hands a message to the network; the checkers see it leave. */
  private void send(int from, int to, Message message) {
    checkers.onSent(nodes.get(from - 1), nodes.get(to - 1), message);
    network.send(from, to, message, nowNanos);
  }

  /** Writes every event of the run, one line each, to {@code sink}: the full trace of a replay. */
  public Simulation<R> traceTo(Consumer<String> sink) {
    trace.sink(sink);
    return this;
  }

  /** Records every event of the run as structured data ({@link TraceRecorder}): the JSON trace. */
  public Simulation<R> recordTrace(TraceRecorder recorder) {
    trace.recorder(recorder.attach(nodes));
    return this;
  }

  /**
   * Judges liveness from {@code start} (for the liveness bound) instead of from the schedule's heal:
   * for scenarios whose faults last, where the cluster must make progress despite them.
   */
  public Simulation<R> checkLivenessFrom(Duration start) {
    liveness.startAt(start.toNanos());
    catchUp = false; // faults may still be in force then: a node cut off cannot catch up
    return this;
  }

  /** Also judges, at the run's end, that every running node caught up (as after a heal). */
  public Simulation<R> checkCatchUp() {
    catchUp = true;
    return this;
  }

  /** The simulated nodes, to inspect after (or during) a run. */
  public List<SimulatedNode<R>> nodes() {
    return nodes;
  }

  /** The fault schedule this run follows. */
  public FaultSchedule schedule() {
    return schedule;
  }

  /** The simulated time now, in nanoseconds from the start. */
  public long nowNanos() {
    return nowNanos;
  }

  /** Runs to the end of the simulated time, or to the first violated property. */
  public SimulationReport run() {
    long startWall = System.nanoTime();
    long endNanos = config.simulatedTime().toNanos();
    Violation violation = null;
    try {
      for (SimulatedNode<R> node : nodes) {
        startNode(node);
      }
      for (FaultSchedule.Timed timed : schedule.faults()) {
        queue.schedule(timed.at().toNanos(), Kind.FAULT, 0, timed.fault(), 0);
      }
      if (liveness.startNanos() >= 0) {
        queue.schedule(liveness.startNanos(), Kind.LIVENESS, 0, null, 0);
        queue.schedule(liveness.settledNanos(), Kind.LIVENESS, 0, null, 0);
        queue.schedule(liveness.deadlineNanos(), Kind.LIVENESS, 0, null, 0);
        if (catchUp && endNanos > liveness.deadlineNanos()) {
          liveness.judgeCatchUpAt(endNanos);
          queue.schedule(endNanos, Kind.LIVENESS, 0, null, 0);
        }
      }
      clients.start();
      readers.start();
      while (!stopped && !queue.isEmpty() && queue.peek().timeNanos <= endNanos) {
        Event event = queue.poll();
        nowNanos = event.timeNanos;
        events++;
        trace.processing(event);
        process(event);
        observeEvent();
      }
      if (!stopped) {
        nowNanos = endNanos;
        checkers.atEnd(endNanos);
        clients.atEnd();
      }
    } catch (Violation e) {
      violation = e;
    } catch (RuntimeException e) {
      // A node that throws has failed as surely as one that breaks a property: report it, with
      // where it threw, rather than lose the seed.
      StackTraceElement where = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
      violation = Violation.safety("No Exceptions", e + (where == null ? "" : " at " + where)
          + " (at " + Durations.formatNanos(nowNanos) + ")");
    }
    if (violation != null) {
      trace.violation(nowNanos, violation);
    }
    return new SimulationReport(config.seed(), config.nodes(), (rates == null ? "scripted schedule" : rates.describe()) + buggifyText(),
        nowNanos, events, System.nanoTime() - startWall, checkers.termsWithLeader(), firstLeaderNanos,
        clients.attempts, clients.acknowledged, clients.refused, clients.unknownOutcome, checkers.committed(),
        crashes, restarts, injector.partitions, injector.pauses, network.sent, network.dropped, network.duplicated,
        injector.messagesForged(),
        checkers.impossibleMessages(), nodes.stream().mapToLong(SimulatedNode::snapshotsTaken).sum(),
        nodes.stream().mapToLong(SimulatedNode::snapshotsInstalled).sum(),
        nodes.stream().mapToLong(SimulatedNode::flushedRunsLost).sum(), checkers.readsChecked(), readers.servedByLease,
        injector.membership.completed, trace.hash(),
        violation == null ? null : violation.getMessage(), violation != null && violation.isLivelock());
  }

  private void process(Event event) {
    switch (event.kind) {
      case DELIVER -> {
        Message message = (Message) event.payload;
        int from = numbers.get(message.from());
        if (!network.reaches(from, event.node)) {
          network.dropped++;
          trace.lostToPartition(nowNanos, event);
          return;
        }
        onNode(event, node -> {
          Role roleBefore = node.raft().role();
          long termBefore = node.raft().currentTerm();
          long localNanos = node.localNanos(nowNanos);
          checkers.beforeDelivery(node, from, message, localNanos);
          node.raft().receive(message);
          checkers.onDelivered(node, from, message, roleBefore, termBefore, localNanos, nowNanos);
        });
      }
      case TIMER -> {
        if (nodeEvents.timerFires(event, nodes.get(event.node - 1))) {
          onNode(event, ignored -> { });
        }
      }
      case DISK -> {
        if (nodeEvents.syncDue(event)) {
          onNode(event, node -> node.disk().completeSync(nowNanos));
        }
      }
      case PROPOSE -> onNode(event, node -> clients.propose(node.raft(), (Clients.Attempt) event.payload));
      case APPLY -> {
        if (event.argument == nodes.get(event.node - 1).incarnations()) {
          onNode(event, SimulatedNode::applyQueued);
        }
      }
      case SNAPSHOT -> {
        nodeEvents.snapshotStepTaken(event.node);
        if (event.argument == nodes.get(event.node - 1).incarnations()) {
          onNode(event, SimulatedNode::snapshotStep);
        }
      }
      case RESUME -> onNode(event, node -> node.disk().completeSync(nowNanos));
      case CLIENT_SEND -> clients.send(event.node);
      case CLIENT_REPLY -> clients.onReply(event.node, event.payload);
      case CLIENT_TIMEOUT -> clients.onTimeout(event.node, event.argument);
      case READER -> readers.send(event.node);
      case READ -> onNode(event, node -> readers.read(node, (Readers.Read) event.payload));
      case READER_REPLY -> readers.onReply(event.node, (Readers.Reply) event.payload, event.argument);
      case READER_TIMEOUT -> readers.onTimeout(event.node, event.argument);
      case FAULT -> {
        Fault fault = (Fault) event.payload;
        trace.fault(nowNanos, fault);
        injector.inject(fault);
        checkers.afterEvent(nodes, null, nowNanos);
      }
      case LIVENESS -> {
        liveness.observe(nowNanos, leadershipTerm);
        liveness.observeNodes(nowNanos, members());
      }
      case RELEASE -> network.release((SimNetwork.Held) event.payload, nowNanos);
    }
  }

  /**
   * Runs {@code action} on the node the event is for: brings the node's clock to now, checks every
   * property, and reschedules the node's timer and disk. A crashed node loses the event; a paused
   * one gets it when it resumes.
   */
  private void onNode(Event event, Consumer<SimulatedNode<R>> action) {
    SimulatedNode<R> node = nodes.get(event.node - 1);
    if (node.isCrashed()) {
      trace.lostToCrash(event);
      return;
    }
    if (nowNanos < node.pausedUntilNanos()) {
      if (event.kind == Kind.DELIVER || event.kind == Kind.PROPOSE || event.kind == Kind.APPLY
          || event.kind == Kind.SNAPSHOT || event.kind == Kind.READ) {
        queue.schedule(node.pausedUntilNanos(), event.kind, event.node, event.payload, event.argument);
      }
      return;
    }
    RaftNode<R> raft = node.raft();
    raft.tick(node.clock().localNanos(nowNanos));
    action.accept(node);
    afterNodeEvent(node, event);
  }

  private void afterNodeEvent(SimulatedNode<R> node, Event event) {
    RaftNode<R> raft = node.raft();
    trace.node(nowNanos, node, event);
    checkers.afterEvent(nodes, node, nowNanos);
    if (raft.currentTerm() > maxTerm) {
      maxTerm = raft.currentTerm();
    }
    if (raft.currentTerm() > leadershipTerm && raft.leader().isPresent() && isMember(node)) {
      // Elections count once someone leads their term: a node cut off from the leader, or removed
      // without learning it, that campaigns alone in vain raises its own term and nothing else.
      leadershipTerm = raft.currentTerm();
    }
    liveness.observe(nowNanos, leadershipTerm);
    if (firstLeaderNanos < 0 && raft.role() == Role.LEADER) {
      firstLeaderNanos = nowNanos;
    }
    nodeEvents.afterNodeEvent(node);
    injector.afterEvent(node);
  }

  private void startNode(SimulatedNode<R> node) {
    checkers.onStart(node.number(), nodes.size()); // before the start, which may restore a snapshot
    node.start(nowNanos);
    nodeEvents.reset(node.number());
    afterNodeEvent(node, null);
  }

  private FaultInjector.Host<R> host() {
    return new FaultInjector.Host<>() {
      @Override
      public List<SimulatedNode<R>> nodes() {
        return nodes;
      }

      @Override
      public long nowNanos() {
        return nowNanos;
      }

      @Override
      public long maxTerm() {
        return maxTerm;
      }

      @Override
      public void crash(SimulatedNode<R> node) {
        Simulation.this.crash(node);
      }

      @Override
      public void restart(SimulatedNode<R> node) {
        Simulation.this.restart(node);
      }

      @Override
      public void proposeScripted(int node) {
        clients.sendScripted(node);
      }

      @Override
      public void note(String text) {
        trace.note(nowNanos, text);
      }

      @Override
      public void act(SimulatedNode<R> node, Consumer<RaftNode<R>> action) {
        if (!node.isCrashed() && nowNanos >= node.pausedUntilNanos()) {
          node.raft().tick(node.clock().localNanos(nowNanos));
          action.accept(node.raft());
          afterNodeEvent(node, null);
        }
      }
    };
  }

  private boolean isMember(SimulatedNode<R> node) {
    Configuration configuration = checkers.committedConfiguration();
    return configuration == null || configuration.isMember(node.id());
  }

  /** The nodes that belong to the committed configuration: those that must catch up. */
  private List<SimulatedNode<R>> members() {
    Configuration configuration = checkers.committedConfiguration();
    return configuration == null ? nodes
        : nodes.stream().filter(node -> configuration.isMember(node.id())).toList();
  }

  private void crash(SimulatedNode<R> node) {
    if (node.isCrashed()) {
      return;
    }
    crashes++;
    node.crash(schedule.tornWrites());
    trace.crashed(node);
    nodeEvents.reset(node.number());
  }

  private void restart(SimulatedNode<R> node) {
    if (!node.isCrashed()) {
      return;
    }
    restarts++;
    startNode(node);
  }

  // ---------------------------------------------------------------- hooks for studies

  /**
   * Calls {@code observer} after every event of the run, with this simulation: a study watches the
   * cluster through {@link #nodes()} and steers the run with {@link #injectAt} and {@link #stop}.
   */
  public Simulation<R> observeEvents(Consumer<Simulation<R>> observer) {
    this.eventObserver = Objects.requireNonNull(observer, "observer");
    return this;
  }

  /**
   * Injects {@code fault} at simulated time {@code atNanos}, as if the schedule held it: for faults
   * whose time depends on what the run has done so far.
   *
   * @throws IllegalArgumentException if {@code atNanos} is in the simulated past
   */
  public void injectAt(long atNanos, Fault fault) {
    if (atNanos < nowNanos) {
      throw new IllegalArgumentException("cannot inject a fault in the past: " + atNanos + " < " + nowNanos);
    }
    queue.schedule(atNanos, Kind.FAULT, 0, Objects.requireNonNull(fault, "fault"), 0);
  }

  /** Ends the run after the current event; its report covers the simulated time up to now. */
  public void stop() {
    stopped = true;
  }

  /** How many messages the nodes have handed to the network so far, of every kind. */
  public long messagesSent() {
    return network.sent;
  }

  private void observeEvent() {
    if (eventObserver != null) {
      eventObserver.accept(this);
    }
  }
}

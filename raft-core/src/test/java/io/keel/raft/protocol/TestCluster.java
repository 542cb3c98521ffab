package io.keel.raft.protocol;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.message.Message;
import io.keel.raft.storage.InMemoryLogStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A small deterministic harness for tests: real {@link RaftNode}s over {@link InMemoryLogStore}s,
 * with a pool of in-flight messages that the test delivers, drops or duplicates one by one, clocks
 * it advances per node, and stores it syncs by hand. After every step it checks each node's
 * invariants and the cluster-wide safety properties.
 */
final class TestCluster {

  /** A message on the wire. */
  record InFlight(NodeId to, Message message) {}

  /** One node with its store, clock and what it applied. */
  final class Member {
    final NodeId id;
    InMemoryLogStore store;
    long clockNanos;
    RaftNode<Long> node;
    boolean crashed;
    /** Whether the node was started to join the group rather than found it. */
    boolean joining;
    final List<Long> applied = new ArrayList<>();
    final StateMachine<Long> stateMachine = (index, command) -> {
      long value = ByteBuffer.wrap(command).getLong();
      applied.add(value);
      return value;
    };

    Member(NodeId id) {
      this.id = id;
      this.store = new InMemoryLogStore(new Listener(this), () -> clockNanos, 0);
    }

    void start() {
      applied.clear();
      RaftNodeBuilder<Long> builder = RaftNode.<Long>builder().id(id);
      if (joining) {
        builder.join();
      } else {
        builder.voters(ids);
      }
      node = builder
          .config(config)
          .logStore(store)
          .transport((to, message) -> send(to, message))
          .randomSeed(seed * 31 + (ids.contains(id) ? ids.indexOf(id) : id.hashCode()) + 7L * restarts++)
          .impossibleMessageListener(impossible::add)
          .start(clockNanos);
    }

    private int restarts;
  }

  private final class Listener implements DurabilityListener {
    private final Member member;

    Listener(Member member) {
      this.member = member;
    }

    @Override
    public void logDurable(long sequence, long index, long term) {
      if (!member.crashed) {
        member.node.onLogDurable(sequence, index, term);
      }
    }

    @Override
    public void hardStateDurable(HardState state) {
      if (!member.crashed) {
        member.node.onHardStateDurable(state);
      }
    }

    @Override
    public void storageFailed(Exception cause) {
      member.node.onStorageFailure(cause);
    }
  }

  final List<NodeId> ids = new ArrayList<>();
  final Map<NodeId, Member> members = new LinkedHashMap<>();
  final List<InFlight> network = new ArrayList<>();
  final RaftConfig config;
  private final long seed;
  private final Set<NodeId> isolated = new HashSet<>();
  /** Every message a node refused as impossible; an honest cluster must produce none. */
  final List<ImpossibleMessage> impossible = new ArrayList<>();
  /**
   * Whether every message comes from a correct node. A test that forges messages ({@link #lie})
   * turns this off: a lying member may break the cluster's guarantees by design, so only each
   * node's own invariants are checked, and that no node halts.
   */
  private boolean honest = true;

  /** Term -> the one leader seen in it. */
  private final Map<Long, NodeId> leaders = new HashMap<>();
  /** Index -> the committed entry, as first seen committed on any node. */
  private final Map<Long, LogEntry> committed = new HashMap<>();
  /** The longest applied sequence seen; every node's must be a prefix of it. */
  private final List<Long> appliedHistory = new ArrayList<>();
  /** Proposed value -> its future, for the exactly-once check. */
  final Map<Long, CompletableFuture<Long>> proposals = new LinkedHashMap<>();
  private long nextValue = 1;

  TestCluster(int size, RaftConfig config, long seed) {
    this.config = config;
    this.seed = seed;
    for (int i = 1; i <= size; i++) {
      ids.add(NodeId.of("n" + i));
    }
    for (NodeId id : ids) {
      members.put(id, new Member(id));
    }
    members.values().forEach(Member::start);
  }

  static RaftConfig testConfig() {
    return RaftConfig.builder()
        .electionTimeout(java.time.Duration.ofMillis(150), java.time.Duration.ofMillis(300))
        .heartbeatInterval(java.time.Duration.ofMillis(50))
        .build();
  }

  Member member(String id) {
    return members.get(NodeId.of(id));
  }

  /** Starts a new, empty node {@code id} that joins the group once the leader adds it. */
  Member addJoiningNode(String id) {
    Member member = new Member(NodeId.of(id));
    member.joining = true;
    members.put(member.id, member);
    member.start();
    return member;
  }

  RaftNode<Long> node(String id) {
    return member(id).node;
  }

  private void send(NodeId to, Message message) {
    network.add(new InFlight(to, message));
  }

  // ---------------------------------------------------------------- steps

  /** Delivers the message at {@code position} of the pool (dropped if either end is cut off). */
  void deliver(int position) {
    InFlight inFlight = network.remove(position);
    Member target = members.get(inFlight.to());
    if (target == null || target.crashed || isolated.contains(inFlight.to()) || isolated.contains(inFlight.message().from())) {
      return;
    }
    target.node.receive(inFlight.message());
    check();
  }

  void drop(int position) {
    network.remove(position);
  }

  void duplicate(int position) {
    network.add(network.get(position));
  }

  /** Advances one node's clock to its next deadline and ticks it. */
  void fireTimer(String id) {
    Member member = member(id);
    if (member.crashed) {
      return;
    }
    member.clockNanos = Math.max(member.clockNanos, member.node.nextDeadlineNanos());
    member.node.tick(member.clockNanos);
    check();
  }

  /** Advances one node's clock by {@code nanos} and ticks it. */
  void advance(String id, long nanos) {
    Member member = member(id);
    member.clockNanos += nanos;
    if (!member.crashed) {
      member.node.tick(member.clockNanos);
      check();
    }
  }

  /** Makes everything one node wrote durable, and delivers the reports. */
  void sync(String id) {
    Member member = member(id);
    if (!member.crashed) {
      member.store.reportAllDurable();
      check();
    }
  }

  void syncAll() {
    members.keySet().forEach(id -> sync(id.value()));
  }

  /** Proposes a fresh value at a node; returns the value. */
  long propose(String id) {
    long value = nextValue++;
    Member member = member(id);
    if (member.crashed) {
      return value;
    }
    CompletableFuture<Long> future = member.node.propose(ByteBuffer.allocate(8).putLong(value).array());
    proposals.put(value, future);
    check();
    return value;
  }

  /** Delivers a forged {@code message} to {@code to} at once; the cluster stops counting as honest. */
  void lie(NodeId to, Message message) {
    honest = false;
    Member target = members.get(to);
    if (!target.crashed) {
      target.node.receive(message);
      check();
    }
  }

  /** The node loses its volatile state and every write not yet durable. */
  void crash(String id) {
    Member member = member(id);
    member.crashed = true;
    member.store.crash();
  }

  void restart(String id) {
    Member member = member(id);
    member.crashed = false;
    member.start();
    check();
  }

  void isolate(String id) {
    isolated.add(NodeId.of(id));
  }

  void heal() {
    isolated.clear();
  }

  /**
   * Replaces a node's store with one that durably holds {@code hardState} and {@code entries}, as if
   * the node had run before, and restarts it from there.
   */
  void preload(String id, HardState hardState, LogEntry... entries) {
    Member member = member(id);
    member.crashed = true;
    member.store = new InMemoryLogStore(new Listener(member), () -> member.clockNanos, 0);
    if (entries.length > 0) {
      member.store.append(List.of(entries));
    }
    member.store.saveHardState(hardState);
    member.store.reportAllDurable();
    restart(id);
  }

  /** Delivers messages in order, syncing stores when the network is empty, until {@code done} holds. */
  void deliverUntil(BooleanSupplier done) {
    for (int steps = 0; steps < 100_000 && !done.getAsBoolean(); steps++) {
      if (network.isEmpty()) {
        if (members.values().stream().noneMatch(m -> !m.crashed && m.store.hasPendingWrites())) {
          throw new AssertionError("nothing left to deliver and the condition does not hold: " + this);
        }
        syncAll();
      } else {
        deliver(0);
      }
    }
    if (!done.getAsBoolean()) {
      throw new AssertionError("condition not reached: " + this);
    }
  }

  /** Drops every message in flight. */
  void dropAll() {
    network.clear();
  }

  /** Delivers messages (syncing stores when the network runs dry) until the network is empty. */
  void deliverAll() {
    for (int steps = 0; steps < 100_000; steps++) {
      if (network.isEmpty()) {
        boolean pendingWrites = members.values().stream().anyMatch(m -> !m.crashed && m.store.hasPendingWrites());
        if (!pendingWrites) {
          return;
        }
        syncAll();
      } else {
        deliver(0);
      }
    }
    throw new AssertionError("the network did not drain in 100,000 steps");
  }

  /** Runs the cluster fault-free (timers fire in order) until {@code done} holds. */
  void runUntil(BooleanSupplier done, int maxRounds) {
    for (int round = 0; round < maxRounds; round++) {
      deliverAll();
      if (done.getAsBoolean()) {
        return;
      }
      fireEarliestTimer();
    }
    throw new AssertionError("condition not reached in " + maxRounds + " rounds: " + this);
  }

  /** Fires the timer of the live node whose deadline, relative to its own clock, comes first. */
  void fireEarliestTimer() {
    Member earliest = null;
    long earliestWait = Long.MAX_VALUE;
    for (Member member : members.values()) {
      if (!member.crashed) {
        long wait = member.node.nextDeadlineNanos() - member.clockNanos;
        if (wait < earliestWait) {
          earliestWait = wait;
          earliest = member;
        }
      }
    }
    if (earliest == null) {
      return;
    }
    // Every clock moves by the same amount, so leases and timeouts stay comparable.
    long step = Math.max(0, earliestWait);
    for (Member member : members.values()) {
      member.clockNanos += step;
      if (!member.crashed && member != earliest && member.node.nextDeadlineNanos() > member.clockNanos) {
        member.node.tick(member.clockNanos);
      }
    }
    earliest.node.tick(earliest.clockNanos);
    check();
  }

  RaftNode<Long> leader() {
    RaftNode<Long> found = null;
    long bestTerm = -1;
    for (Member member : members.values()) {
      if (!member.crashed && member.node.role() == Role.LEADER && member.node.currentTerm() > bestTerm) {
        found = member.node;
        bestTerm = member.node.currentTerm();
      }
    }
    return found;
  }

  // ---------------------------------------------------------------- safety checks

  /** Checks every node's invariants and the cluster-wide safety properties. */
  void check() {
    if (honest && !impossible.isEmpty()) {
      throw new AssertionError("a correct cluster sent a message refused as impossible: " + impossible.get(0));
    }
    for (Member member : members.values()) {
      if (member.crashed) {
        continue;
      }
      RaftNode<Long> node = member.node;
      CommittedEntry.applyAllNow(node, member.stateMachine);
      node.checkInvariants();
      if (node.role() == Role.FAILED) {
        throw new AssertionError(node.id() + " halted: " + node.failure().orElse(null));
      }
      if (!honest) {
        continue;
      }
      if (node.role() == Role.LEADER) {
        NodeId previous = leaders.putIfAbsent(node.currentTerm(), node.id());
        if (previous != null && !previous.equals(node.id())) {
          throw new AssertionError("Election Safety: " + previous + " and " + node.id()
              + " both led term " + node.currentTerm());
        }
      }
      for (long index = 1; index <= node.commitIndex(); index++) {
        LogEntry entry = member.store.entry(index);
        LogEntry before = committed.putIfAbsent(index, entry);
        if (before != null && !before.equals(entry)) {
          throw new AssertionError("committed entry changed at " + index + ": " + before + " then "
              + entry + " on " + node.id());
        }
      }
      for (int i = 0; i < member.applied.size(); i++) {
        if (i < appliedHistory.size()) {
          if (!appliedHistory.get(i).equals(member.applied.get(i))) {
            throw new AssertionError(node.id() + " applied " + member.applied.get(i) + " as command #"
                + (i + 1) + " where another node applied " + appliedHistory.get(i));
          }
        } else {
          appliedHistory.add(member.applied.get(i));
        }
      }
    }
  }

  /** Every proposal whose future succeeded was applied exactly once, with its own value as result. */
  void checkAcknowledgedAppliedOnce() {
    Map<Long, Integer> counts = new HashMap<>();
    appliedHistory.forEach(value -> counts.merge(value, 1, Integer::sum));
    counts.forEach((value, count) -> {
      if (count != 1) {
        throw new AssertionError("command " + value + " applied " + count + " times");
      }
    });
    proposals.forEach((value, future) -> {
      if (future.isDone() && !future.isCompletedExceptionally()) {
        if (!future.join().equals(value)) {
          throw new AssertionError("proposal " + value + " completed with " + future.join());
        }
        if (!counts.containsKey(value)) {
          throw new AssertionError("proposal " + value + " acknowledged but never applied");
        }
      }
    });
  }

  long highestTerm() {
    return members.values().stream().filter(m -> !m.crashed).mapToLong(m -> m.node.currentTerm()).max().orElse(0);
  }

  List<Long> appliedHistory() {
    return appliedHistory;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    members.values().forEach(m -> text.append(m.crashed ? m.id + "{crashed}" : m.node.toString()).append(' '));
    return text.append("inflight=").append(network.size()).toString();
  }
}

package io.keel.raft.protocol;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.SnapshotReceiver;
import io.keel.raft.StateMachine;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVoteResponse;
import io.keel.raft.snapshot.InMemorySnapshotStore;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.storage.InMemoryLogStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One node under test, {@code n1} of the cluster {@code n1, n2, n3}: the test plays the peers by
 * handing it messages and reading what it sent. Stores sync only when the test says so.
 */
final class NodeFixture {

  static final NodeId N1 = NodeId.of("n1");
  static final NodeId N2 = NodeId.of("n2");
  static final NodeId N3 = NodeId.of("n3");
  static final long MILLIS = 1_000_000L;

  record Sent(NodeId to, Message message) {}

  final List<Sent> sent = new ArrayList<>();
  final List<String> applied = new ArrayList<>();
  final List<ImpossibleMessage> impossible = new ArrayList<>();
  /** The snapshot store the node reads, and what it asked its receiver to do (chunks and installs), in order. */
  final InMemorySnapshotStore snapshotStore = new InMemorySnapshotStore();
  final List<Object> receiverCalls = new ArrayList<>();
  final InMemoryLogStore store;
  final RaftNode<String> node;
  final StateMachine<String> stateMachine = (index, command) -> {
    String text = new String(command, StandardCharsets.UTF_8);
    applied.add(text);
    return "applied:" + text;
  };
  long nowNanos;

  NodeFixture(RaftConfig config) {
    this(config, List.of(), HardState.INITIAL);
  }

  /** A node whose store already holds {@code entries} and {@code hardState}, durably. */
  NodeFixture(RaftConfig config, List<LogEntry> entries, HardState hardState) {
    this(config, entries, hardState, 0);
  }

  /**
   * As above, with writes that become durable {@code durabilityDelayNanos} after they are made, on
   * the fixture's clock ({@link #syncUntil}).
   */
  NodeFixture(RaftConfig config, List<LogEntry> entries, HardState hardState, long durabilityDelayNanos) {
    this(config, entries, hardState, durabilityDelayNanos, 0);
  }

  /** As above, with a state machine that already holds every entry up to {@code appliedIndex}. */
  NodeFixture(RaftConfig config, List<LogEntry> entries, HardState hardState, long durabilityDelayNanos,
      long appliedIndex) {
    RaftNode<String>[] self = newArray();
    store = new InMemoryLogStore(new DurabilityListener() {
      @Override
      public void logDurable(long sequence, long index, long term) {
        if (self[0] != null) {
          self[0].onLogDurable(sequence, index, term);
        }
      }

      @Override
      public void hardStateDurable(HardState state) {
        if (self[0] != null) {
          self[0].onHardStateDurable(state);
        }
      }

      @Override
      public void storageFailed(Exception cause) {
        self[0].onStorageFailure(cause);
      }
    }, () -> nowNanos, durabilityDelayNanos);
    // What the store holds before the node starts is durable, as after a restart.
    if (!entries.isEmpty()) {
      store.append(entries);
    }
    store.saveHardState(hardState);
    store.reportAllDurable();
    node = RaftNode.<String>builder()
        .id(N1)
        .voters(List.of(N1, N2, N3))
        .config(config)
        .logStore(store)
        .transport((to, message) -> sent.add(new Sent(to, message)))
        .randomSeed(42)
        .appliedIndex(appliedIndex)
        .snapshots(snapshotStore, new SnapshotReceiver() {
          @Override
          public void store(InstallSnapshot chunk) {
            receiverCalls.add(chunk);
          }

          @Override
          public void install(SnapshotMeta meta) {
            receiverCalls.add(meta);
          }
        })
        .impossibleMessageListener(impossible::add)
        .start(nowNanos);
    self[0] = node;
  }

  /** Whether the fixture applies what is committed after every event, as a prompt driver would. */
  boolean autoApply = true;

  /** What the driver does after every event: applies what is committed, then checks invariants. */
  void afterEvent() {
    if (autoApply) {
      CommittedEntry.applyAllNow(node, stateMachine);
    }
    node.checkInvariants();
  }

  @SuppressWarnings("unchecked")
  private static RaftNode<String>[] newArray() {
    return (RaftNode<String>[]) new RaftNode<?>[1];
  }

  /** Classic Raft, as in the paper's Figure 2: no PreVote, no CheckQuorum. */
  static RaftConfig classic() {
    return RaftConfig.builder()
        .electionTimeout(Duration.ofMillis(150), Duration.ofMillis(300))
        .heartbeatInterval(Duration.ofMillis(50))
        .preVote(false)
        .checkQuorum(false)
        .build();
  }

  static LogEntry entry(long index, long term, String command) {
    return LogEntry.command(index, term, command.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  void advanceMillis(long millis) {
    nowNanos += millis * MILLIS;
    node.tick(nowNanos);
    afterEvent();
  }

  /** Advances the clock to the node's timer and fires it. */
  void fireTimer() {
    nowNanos = Math.max(nowNanos, node.nextDeadlineNanos());
    node.tick(nowNanos);
    afterEvent();
  }

  /** Delivers a message a correct peer could send: the node must not refuse it as impossible. */
  void receive(Message message) {
    int before = impossible.size();
    node.receive(message);
    afterEvent();
    if (impossible.size() != before) {
      throw new AssertionError("refused as impossible: " + impossible.get(before));
    }
  }

  /** Delivers a message no correct peer could send; returns the node's refusal of it. */
  ImpossibleMessage receiveImpossible(Message message) {
    int before = impossible.size();
    node.receive(message);
    afterEvent();
    if (impossible.size() != before + 1) {
      throw new AssertionError("not refused as impossible: " + message + "; node " + node);
    }
    return impossible.get(before);
  }

  void sync() {
    store.reportAllDurable();
    afterEvent();
  }

  /** Makes durable, and reports, only the writes due by {@code dueNanos}. */
  void syncUntil(long dueNanos) {
    store.reportDurable(dueNanos);
    afterEvent();
  }

  /** Messages of one type sent so far, in order. */
  <T extends Message> List<T> sentOf(Class<T> type) {
    return sent.stream().map(Sent::message).filter(type::isInstance).map(type::cast).toList();
  }

  <T extends Message> List<T> sentOf(Class<T> type, NodeId to) {
    return sent.stream().filter(s -> s.to().equals(to)).map(Sent::message)
        .filter(type::isInstance).map(type::cast).toList();
  }

  <T extends Message> T lastSent(Class<T> type) {
    List<T> all = sentOf(type);
    if (all.isEmpty()) {
      throw new AssertionError("no " + type.getSimpleName() + " sent; sent: " + sent);
    }
    return all.get(all.size() - 1);
  }

  /** Makes n1 leader (PreVote off or on), with durable state, and clears what it sent. */
  void electLeader() {
    fireTimer();
    sync();
    if (node.role() == Role.PRE_CANDIDATE) {
      receive(new PreVoteResponse(node.currentTerm() + 1, N2, true));
      sync();
    }
    receive(new RequestVoteResponse(node.currentTerm(), N2, true));
    sync();
    if (node.role() != Role.LEADER) {
      throw new AssertionError("n1 did not become leader: " + node);
    }
    sent.clear();
  }

  /** A follower's acknowledgement. */
  AppendEntriesResponse ack(NodeId from, long matchIndex) {
    return AppendEntriesResponse.accepted(node.currentTerm(), from, matchIndex);
  }

  AppendEntries appendEntries(long term, NodeId from, long prevIndex, long prevTerm, List<LogEntry> entries, long commit) {
    return new AppendEntries(term, from, prevIndex, prevTerm, entries, commit);
  }
}

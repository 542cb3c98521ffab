package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.LogStore;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.SnapshotReceiver;
import io.keel.raft.Transport;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotStore;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Collects what a {@link RaftNode} needs; {@link #start(long)} checks it and builds the node.
 *
 * @param <R> the state machine's result type, which completes proposals' futures
 */
public final class RaftNodeBuilder<R> {
  NodeId id;
  Collection<NodeId> voters;
  boolean join;
  RaftConfig config = RaftConfig.defaults();
  LogStore logStore;
  Transport transport;
  long randomSeed;
  long appliedIndex;
  SnapshotStore snapshotStore;
  SnapshotReceiver snapshotReceiver;
  Consumer<ImpossibleMessage> impossibleMessageListener = impossible -> { };

  RaftNodeBuilder() {}

  /** This node's id. */
  public RaftNodeBuilder<R> id(NodeId id) {
    this.id = id;
    return this;
  }

  /**
   * The voters a new group starts with, this node included: its configuration until the log or a
   * snapshot holds one, which then wins. Every founding node is given the same voters.
   */
  public RaftNodeBuilder<R> voters(Collection<NodeId> voters) {
    this.voters = voters;
    this.join = false;
    return this;
  }

  /**
   * Starts this node to join an existing group instead of founding one: it knows no configuration
   * ({@link Configuration#NONE}) and never campaigns until the leader, once an administrator has
   * added it, sends it the log or a snapshot that holds one.
   */
  public RaftNodeBuilder<R> join() {
    this.voters = null;
    this.join = true;
    return this;
  }

  /** The protocol's tunables; {@link RaftConfig#defaults()} if not set. */
  public RaftNodeBuilder<R> config(RaftConfig config) {
    this.config = config;
    return this;
  }

  /** The node's log and hard state, holding only durable content when the node starts. */
  public RaftNodeBuilder<R> logStore(LogStore logStore) {
    this.logStore = logStore;
    return this;
  }

  /** How the node sends messages. */
  public RaftNodeBuilder<R> transport(Transport transport) {
    this.transport = transport;
    return this;
  }

  /**
   * How far the driver's state machine has already applied ({@link io.keel.raft.StateMachine#appliedIndex()}):
   * the node hands out only the committed entries after it. 0 (the default) replays the whole log.
   */
  public RaftNodeBuilder<R> appliedIndex(long appliedIndex) {
    this.appliedIndex = appliedIndex;
    return this;
  }

  /**
   * Where the node's snapshots are kept, and how it receives one from a leader; none by default,
   * and then the node never compacts its log. The node reads the store's newest snapshot (to send
   * it to followers that need it, and to recover its log when it starts) and compacts its log
   * behind the snapshots the driver reports taking ({@link Snapshots#onTaken}); the receiver
   * writes and installs the snapshots a leader sends.
   */
  public RaftNodeBuilder<R> snapshots(SnapshotStore store, SnapshotReceiver receiver) {
    this.snapshotStore = Objects.requireNonNull(store, "store");
    this.snapshotReceiver = Objects.requireNonNull(receiver, "receiver");
    return this;
  }

  /**
   * Seeds the node's only source of randomness, its election timeouts. Nodes of one cluster need
   * different seeds; production seeds from a secure source, the simulator from its own seed.
   */
  public RaftNodeBuilder<R> randomSeed(long randomSeed) {
    this.randomSeed = randomSeed;
    return this;
  }

  /**
   * Hears every message the node refuses as impossible, on the node's thread, after it is refused
   * (the runtime counts it and has the transport close the sender's connection). None by default.
   */
  public RaftNodeBuilder<R> impossibleMessageListener(Consumer<ImpossibleMessage> listener) {
    this.impossibleMessageListener = listener;
    return this;
  }

  /**
   * The configuration the node starts from, before the configuration entries in its log: the newest
   * snapshot's, or else the founding voters (checked to include this node) at index 0, or none
   * for a joining node.
   */
  ConfigurationLog.Indexed baseConfiguration() {
    Objects.requireNonNull(id, "id");
    if (!join) {
      List<NodeId> sorted = List.copyOf(new TreeSet<>(Objects.requireNonNull(voters, "voters (or join)")));
      if (!sorted.contains(id)) {
        throw new IllegalArgumentException("voters " + sorted + " must include the node itself, " + id
            + " (a node added to a running group starts with join())");
      }
    }
    SnapshotMeta snapshot = snapshotStore == null ? null : snapshotStore.latest().map(info -> info.meta()).orElse(null);
    if (snapshot != null) {
      return new ConfigurationLog.Indexed(snapshot.lastIndex(), snapshot.configuration());
    }
    return new ConfigurationLog.Indexed(0, join ? Configuration.NONE : Configuration.ofVoters(voters));
  }

  /** Builds the node as a follower of its stored term, its clock at {@code nowNanos}. */
  public RaftNode<R> start(long nowNanos) {
    return new RaftNode<>(this, nowNanos);
  }
}

package io.keel.raft.runtime;

import io.keel.raft.DurabilityListener;
import io.keel.raft.GroupId;
import io.keel.raft.LogStore;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.snapshot.SnapshotPolicy;
import io.keel.raft.storage.file.FileLogStore;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.raft.storage.file.FileSnapshotStore;
import io.keel.raft.storage.file.FileSnapshotStoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Everything one Raft group needs to run on a {@link RaftRuntime}: its name, its voters, the
 * protocol's tunables, its log, its state machine and the network it talks over. Build with
 * {@link #builder(GroupId)}; every field without a default is checked by {@link Builder#build()}.
 *
 * @param <R> the state machine's result type
 */
public final class GroupOptions<R> {

  private final GroupId group;
  private final List<NodeId> voters;
  private final boolean joins;
  private final RaftConfig config;
  private final LogStoreFactory logStore;
  private final StateMachine<R> stateMachine;
  private final PeerNetwork network;
  private final OptionalLong randomSeed;
  private final GroupListener listener;
  private final int maxCommandBytes;
  private final SnapshotStoreFactory snapshotStore;
  private final SnapshotPolicy snapshotPolicy;

  /** The default bound on one command: 8 MiB, half the transport's default frame limit. */
  public static final int DEFAULT_MAX_COMMAND_BYTES = 8 << 20;

  private GroupOptions(Builder<R> builder) {
    this.group = builder.group;
    this.joins = builder.joins;
    this.voters = joins ? List.of() : List.copyOf(new TreeSet<>(require(builder.voters, "voters (or join)")));
    if (!joins && voters.isEmpty()) {
      throw new IllegalArgumentException("voters: at least one voter is required");
    }
    this.config = require(builder.config, "config");
    this.logStore = require(builder.logStore, "logStore");
    this.stateMachine = require(builder.stateMachine, "stateMachine");
    this.network = require(builder.network, "network");
    this.randomSeed = builder.randomSeed;
    this.listener = builder.listener;
    this.maxCommandBytes = builder.maxCommandBytes;
    this.snapshotStore = builder.snapshotStore;
    this.snapshotPolicy = builder.snapshotPolicy;
  }

  private static <T> T require(T value, String field) {
    return Objects.requireNonNull(value, () -> "group options: " + field + " is required");
  }

  /** A builder for group {@code group}. */
  public static <R> Builder<R> builder(GroupId group) {
    return new Builder<>(Objects.requireNonNull(group, "group"));
  }

  /** The group's name, the same on every node. */
  public GroupId group() {
    return group;
  }

  /**
   * The voters the group was founded with, this node included, in id order; empty for a node that
   * {@link #joins()}. Once the log or a snapshot holds a configuration, that one is in force
   * ({@link RaftGroup#configuration()}).
   */
  public List<NodeId> voters() {
    return voters;
  }

  /** Whether this node joins a running group instead of founding it ({@link Builder#join()}). */
  public boolean joins() {
    return joins;
  }

  /** The protocol's tunables. */
  public RaftConfig config() {
    return config;
  }

  /** Opens the group's log. */
  public LogStoreFactory logStore() {
    return logStore;
  }

  /** The user's state machine. */
  public StateMachine<R> stateMachine() {
    return stateMachine;
  }

  /** The network the group's messages travel on. */
  public PeerNetwork network() {
    return network;
  }

  /** The seed of the node's election timeouts, if fixed; otherwise the runtime draws one. */
  public OptionalLong randomSeed() {
    return randomSeed;
  }

  /** The largest command {@link RaftGroup#propose} accepts, in bytes. */
  public int maxCommandBytes() {
    return maxCommandBytes;
  }

  /** Where the group keeps its state machine's snapshots, if it takes any. */
  public Optional<SnapshotStoreFactory> snapshotStore() {
    return Optional.ofNullable(snapshotStore);
  }

  /** When the group takes a snapshot, if it has a snapshot store. */
  public SnapshotPolicy snapshotPolicy() {
    return snapshotPolicy;
  }

  /** Who hears of role, term and leader changes; null if nobody. */
  public GroupListener listener() {
    return listener;
  }

  /** Collects a group's options. */
  public static final class Builder<R> {
    private final GroupId group;
    private Collection<NodeId> voters;
    private boolean joins;
    private RaftConfig config = RaftConfig.defaults();
    private LogStoreFactory logStore;
    private StateMachine<R> stateMachine;
    private PeerNetwork network;
    private OptionalLong randomSeed = OptionalLong.empty();
    private GroupListener listener;
    private int maxCommandBytes = DEFAULT_MAX_COMMAND_BYTES;
    private SnapshotStoreFactory snapshotStore;
    private SnapshotPolicy snapshotPolicy = SnapshotPolicy.DEFAULT;

    private Builder(GroupId group) {
      this.group = group;
    }

    /**
     * The voters the group is founded with, this node included, the same on every founding node.
     * They are the group's configuration until the log or a snapshot holds one, which then wins:
     * a restarted node takes its members from its own log.
     */
    public Builder<R> voters(Collection<NodeId> voters) {
      this.voters = voters;
      this.joins = false;
      return this;
    }

    /**
     * Starts this node to join a running group rather than found one: it knows no members, never
     * campaigns, and waits until an administrator adds it ({@link RaftGroup#changeMembership}) and
     * the leader sends it the log or a snapshot. A node that joined and restarts may be started
     * the same way: its own log then says what it is.
     */
    public Builder<R> join() {
      this.voters = null;
      this.joins = true;
      return this;
    }

    /** The protocol's tunables; {@link RaftConfig#defaults()} if not set. */
    public Builder<R> config(RaftConfig config) {
      this.config = config;
      return this;
    }

    /** How to open the group's log. */
    public Builder<R> logStore(LogStoreFactory logStore) {
      this.logStore = logStore;
      return this;
    }

    /** The durable file log in {@code directory}, created if missing. */
    public Builder<R> fileLog(Path directory, FileLogStoreOptions options) {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(options, "options");
      return logStore(new LogStoreFactory() {
        @Override
        public LogStore open(DurabilityListener listener) throws IOException {
          return FileLogStore.open(directory, options, listener);
        }

        @Override
        public long maxCommandBytes() {
          return FileLogStore.MAX_COMMAND_BYTES;
        }
      });
    }

    /**
     * Takes snapshots of the state machine into {@code store} as {@code policy} says, and restores
     * the newest one when the group starts, so that only the log after it is applied again. The
     * state machine must implement {@link StateMachine#snapshot()} and {@link StateMachine#restore};
     * one that does not is never snapshotted, and keeps its whole log. The log is compacted behind
     * each snapshot ({@link io.keel.raft.RaftConfig#snapshotTrailingEntries()}), and a follower
     * that needs compacted entries receives the newest snapshot from its leader.
     */
    public Builder<R> snapshots(SnapshotStoreFactory store, SnapshotPolicy policy) {
      this.snapshotStore = Objects.requireNonNull(store, "store");
      this.snapshotPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Snapshots in files in {@code directory} (never the log's), created if missing. */
    public Builder<R> fileSnapshots(Path directory, FileSnapshotStoreOptions options, SnapshotPolicy policy) {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(options, "options");
      return snapshots(() -> FileSnapshotStore.open(directory, options), policy);
    }

    /** The user's state machine; it is called on the group's apply thread only. */
    public Builder<R> stateMachine(StateMachine<R> stateMachine) {
      this.stateMachine = stateMachine;
      return this;
    }

    /** The network the group's messages travel on. */
    public Builder<R> network(PeerNetwork network) {
      this.network = network;
      return this;
    }

    /** Fixes the seed of the node's election timeouts (tests); otherwise drawn securely. */
    public Builder<R> randomSeed(long seed) {
      this.randomSeed = OptionalLong.of(seed);
      return this;
    }

    /** Who hears of role, term, leader and failure changes (on the apply thread); none by default. */
    public Builder<R> listener(GroupListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * The largest command accepted, in bytes; default 8 MiB, range 1 to 1 GiB. A bigger one fails
     * at once with {@link IllegalArgumentException}. Keep it below the transport's frame limit
     * ({@code TransportOptions.maxFrameBytes}), or such a command could never be replicated.
     */
    public Builder<R> maxCommandBytes(int bytes) {
      if (bytes < 1 || bytes > (1 << 30)) {
        throw new IllegalArgumentException("maxCommandBytes must be in [1, 1073741824], got " + bytes);
      }
      this.maxCommandBytes = bytes;
      return this;
    }

    /** Checks the options, including that the log store can hold the largest command. */
    public GroupOptions<R> build() {
      if (logStore != null && maxCommandBytes > logStore.maxCommandBytes()) {
        throw new IllegalArgumentException("maxCommandBytes (" + maxCommandBytes + ") of group " + group
            + " exceeds the largest command its log store holds (" + logStore.maxCommandBytes()
            + " bytes); lower maxCommandBytes to at most that");
      }
      return new GroupOptions<>(this);
    }
  }
}

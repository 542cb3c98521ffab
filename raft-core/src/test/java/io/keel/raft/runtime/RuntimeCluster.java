package io.keel.raft.runtime;

import static org.awaitility.Awaitility.await;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.snapshot.SnapshotPolicy;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.raft.storage.file.FileSnapshotStoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** N runtimes over a {@link LocalNetwork}, each group on the file log in a temp directory. */
final class RuntimeCluster implements AutoCloseable {

  /** Timeouts with room for a loaded 2-core machine; the stall test waits several of them. */
  static final RaftConfig CONFIG = RaftConfig.builder()
      .electionTimeout(Duration.ofMillis(250), Duration.ofMillis(500))
      .heartbeatInterval(Duration.ofMillis(40))
      .build();

  final LocalNetwork network = new LocalNetwork();
  final List<NodeId> nodes = new ArrayList<>();
  final Map<NodeId, RaftRuntime> runtimes = new HashMap<>();
  private final Path dir;

  RuntimeCluster(Path dir, int size) {
    this.dir = dir;
    for (int i = 1; i <= size; i++) {
      NodeId node = NodeId.of("n" + i);
      nodes.add(node);
      startRuntime(node);
    }
  }

  void startRuntime(NodeId node) {
    RaftRuntime runtime = RaftRuntime.builder(node).build();
    runtimes.put(node, runtime);
    network.attach(node, runtime);
  }

  void closeRuntime(NodeId node) {
    network.detach(node);
    runtimes.remove(node).close();
  }

  <R> RaftGroup<R> start(NodeId node, GroupId group, StateMachine<R> stateMachine, RaftConfig config) {
    return start(node, group, stateMachine, config, null);
  }

  /** As above, taking snapshots into a directory of the node's as {@code snapshots} says (null: none). */
  <R> RaftGroup<R> start(NodeId node, GroupId group, StateMachine<R> stateMachine, RaftConfig config,
      SnapshotPolicy snapshots) {
    return start(node, group, stateMachine, config, snapshots, false);
  }

  /**
   * Starts a runtime for a new node {@code node} and its replica of {@code group}, which joins the
   * running group once the leader adds it.
   */
  <R> RaftGroup<R> startJoining(NodeId node, GroupId group, StateMachine<R> stateMachine, RaftConfig config,
      SnapshotPolicy snapshots) {
    if (!runtimes.containsKey(node)) {
      startRuntime(node);
    }
    return start(node, group, stateMachine, config, snapshots, true);
  }

  private <R> RaftGroup<R> start(NodeId node, GroupId group, StateMachine<R> stateMachine, RaftConfig config,
      SnapshotPolicy snapshots, boolean joins) {
    GroupOptions.Builder<R> options = GroupOptions.<R>builder(group);
    if (joins) {
      options.join();
    } else {
      options.voters(nodes);
    }
    options
        .config(config)
        .fileLog(dir.resolve(group.value()).resolve(node.value()), FileLogStoreOptions.defaults())
        .stateMachine(stateMachine)
        .network(network.endpoint(node));
    if (snapshots != null) {
      options.fileSnapshots(dir.resolve(group.value()).resolve(node.value() + "-snapshots"),
          FileSnapshotStoreOptions.defaults(), snapshots);
    }
    try {
      return runtimes.get(node).startGroup(options.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code group} on every node, each with the state machine {@code machines} gives it. */
  <R> Map<NodeId, RaftGroup<R>> startEverywhere(GroupId group, Function<NodeId, StateMachine<R>> machines) {
    return startEverywhere(group, machines, CONFIG);
  }

  /** As {@link #startEverywhere(GroupId, Function)}, with {@code config} on every node. */
  <R> Map<NodeId, RaftGroup<R>> startEverywhere(GroupId group, Function<NodeId, StateMachine<R>> machines,
      RaftConfig config) {
    Map<NodeId, RaftGroup<R>> started = new HashMap<>();
    for (NodeId node : nodes) {
      started.put(node, start(node, group, machines.apply(node), config));
    }
    return started;
  }

  /** Waits for exactly one leader among {@code members} that the others follow, and returns it. */
  static <R> RaftGroup<R> awaitLeader(Map<NodeId, RaftGroup<R>> members) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> leaderOf(members), Optional::isPresent).get();
  }

  static <R> Optional<RaftGroup<R>> leaderOf(Map<NodeId, RaftGroup<R>> members) {
    RaftGroup<R> leader = null;
    for (RaftGroup<R> member : members.values()) {
      GroupStatus status = member.status();
      if (status != null && status.isLeader()) {
        if (leader != null && leader.status().term() == status.term()) {
          return Optional.empty();
        }
        if (leader == null || status.term() > leader.status().term()) {
          leader = member;
        }
      }
    }
    return Optional.ofNullable(leader);
  }

  @Override
  public void close() {
    for (RaftRuntime runtime : runtimes.values()) {
      runtime.close();
    }
  }
}

package io.keel.bench.cluster;

import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.metrics.LatencySnapshot;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.storage.file.StorageStats;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * W1's three nodes: all in this JVM, or n1 here and n2, n3 in child JVMs. With snapshots, every
 * node takes them by the default policy into the file snapshot store and compacts its log by the
 * default {@link RaftConfig} settings.
 */
final class W1Cluster implements AutoCloseable {
  private static final RaftConfig CONFIG = RaftConfig.defaults();

  private final List<BenchNode<Integer>> local = new ArrayList<>();
  private final List<Process> children = new ArrayList<>();

  static W1Cluster inProcess(Path root, boolean snapshots) throws IOException {
    return inProcess(root, snapshots, CONFIG);
  }

  /** The three nodes in this JVM, each with {@code config}. */
  static W1Cluster inProcess(Path root, boolean snapshots, RaftConfig config) throws IOException {
    W1Cluster cluster = new W1Cluster();
    Map<NodeId, InetSocketAddress> addresses = BenchNode.freeLoopbackAddresses(3);
    try {
      for (NodeId id : addresses.keySet()) {
        Map<NodeId, InetSocketAddress> peers = new LinkedHashMap<>(addresses);
        peers.remove(id);
        cluster.local.add(BenchNode.startW1(id, addresses.get(id), peers, root.resolve(id.value()), config, snapshots));
      }
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  static W1Cluster threeProcesses(Path root, boolean snapshots) throws IOException {
    W1Cluster cluster = new W1Cluster();
    Map<NodeId, InetSocketAddress> addresses = BenchNode.freeLoopbackAddresses(3);
    String jar = new File(W1Command.class.getProtectionDomain().getCodeSource().getLocation().getPath()).getPath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      for (NodeId id : addresses.keySet()) {
        Map<NodeId, InetSocketAddress> peers = new LinkedHashMap<>(addresses);
        peers.remove(id);
        if (id.value().equals("n1")) {
          cluster.local.add(BenchNode.startW1(id, addresses.get(id), peers, root.resolve(id.value()), CONFIG,
              snapshots));
          continue;
        }
        List<String> command = new ArrayList<>(List.of(java, "-cp", jar, "io.keel.bench.BenchMain", "node",
            "--id", id.value(), "--listen", "127.0.0.1:" + addresses.get(id).getPort(),
            "--dir", root.resolve(id.value()).toString(),
            "--election-ms", "1500")); // children campaign late, so the in-process n1 wins
        if (snapshots) {
          command.add("--snapshots");
        }
        peers.forEach((peer, address) -> {
          command.add("--peer");
          command.add(peer.value() + "=127.0.0.1:" + address.getPort());
        });
        // A child's log lines go to standard error, like ours: standard output holds only the result line.
        cluster.children.add(new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start());
      }
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  RaftGroup<Integer> awaitLeader(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (BenchNode<Integer> node : local) {
        GroupStatus status = node.group.status();
        if (status != null && status.isLeader() && status.matchIndexes().size() == 2) {
          return node.group;
        }
      }
      for (Process child : children) {
        if (!child.isAlive()) {
          throw new IllegalStateException("a node process exited with code " + child.exitValue());
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no leader in this JVM within " + timeout.toSeconds() + " s");
  }

  /** The leader among the nodes in this JVM with both followers known, or null. */
  RaftGroup<Integer> currentLeader() {
    for (BenchNode<Integer> node : local) {
      GroupStatus status = node.group.status();
      if (status != null && status.isLeader()) {
        return node.group;
      }
    }
    return null;
  }

  /** A node in this JVM that follows a known leader, or null. */
  RaftGroup<Integer> aFollower() {
    for (BenchNode<Integer> node : local) {
      GroupStatus status = node.group.status();
      if (status != null && !status.isLeader() && status.leader().isPresent()) {
        return node.group;
      }
    }
    return null;
  }

  List<GroupStatus> statuses() {
    return local.stream().map(node -> node.group.status()).toList();
  }

  /** How late each node in this JVM ran its timers (heartbeats, election timeouts), since it started. */
  Map<NodeId, LatencySnapshot> timerLateness() {
    return eachNode(node -> node.runtime.timerLateness());
  }

  /** The file log's figures of each node in this JVM, since it started; W1's nodes all have one. */
  Map<NodeId, Optional<StorageStats>> storageStats() {
    return eachNode(node -> node.group.storageStats());
  }

  /** The newest snapshot of each node in this JVM, if it has one. */
  Map<NodeId, Optional<SnapshotInfo>> latestSnapshots() {
    return eachNode(node -> node.group.latestSnapshot());
  }

  /** {@code figure} of each node in this JVM, in node order. */
  private <T> Map<NodeId, T> eachNode(Function<BenchNode<Integer>, T> figure) {
    Map<NodeId, T> figures = new LinkedHashMap<>();
    for (BenchNode<Integer> node : local) {
      figures.put(node.id, figure.apply(node));
    }
    return figures;
  }

  @Override
  public void close() {
    for (BenchNode<Integer> node : local) {
      node.close();
    }
    for (Process child : children) {
      child.destroy();
      try {
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        child.destroyForcibly();
      }
    }
  }
}

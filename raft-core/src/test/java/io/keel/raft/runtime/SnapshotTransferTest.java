package io.keel.raft.runtime;

import static io.keel.raft.runtime.RuntimeCluster.awaitLeader;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.snapshot.SnapshotPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * InstallSnapshot through the runtime, with the file log and file snapshot store: a follower that
 * missed entries the leader has compacted away catches up by snapshot, in many chunks, and then by
 * log, whether it kept its directory or lost it.
 */
class SnapshotTransferTest {

  private static final GroupId GROUP = GroupId.of("g");
  /** Snapshots every 20 entries, 5 entries kept behind them, chunks of 64 bytes, two in flight. */
  private static final RaftConfig CONFIG = RuntimeCluster.CONFIG.toBuilder()
      .snapshotTrailingEntries(5)
      .snapshotChunkBytes(64)
      .maxInflightSnapshotChunks(2)
      .build();
  private static final SnapshotPolicy EVERY_20 = new SnapshotPolicy(20, Long.MAX_VALUE);

  @TempDir Path dir;
  private RuntimeCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void a_follower_behind_the_leaders_compacted_log_catches_up_by_snapshot_then_by_log() throws Exception {
    catchUp(false);
  }

  @Test
  void a_follower_that_lost_its_directory_catches_up_by_snapshot() throws Exception {
    catchUp(true);
  }

  private void catchUp(boolean wipe) throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RecordingStateMachine> machines = new HashMap<>();
    Map<NodeId, RaftGroup<String>> group = new HashMap<>();
    for (NodeId node : cluster.nodes) {
      machines.put(node, new RecordingStateMachine());
      group.put(node, cluster.start(node, GROUP, machines.get(node), CONFIG, EVERY_20));
    }
    RaftGroup<String> leader = awaitLeader(group);
    propose(leader, "a", 30);
    NodeId behind = group.keySet().stream().filter(n -> !n.equals(leader.node())).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(10)).until(() -> machines.get(behind).size() == 30
        && group.get(behind).latestSnapshot().isPresent());
    group.get(behind).stop().get(5, TimeUnit.SECONDS);
    if (wipe) {
      deleteTree(dir.resolve(GROUP.value()).resolve(behind.value()));
      deleteTree(dir.resolve(GROUP.value()).resolve(behind.value() + "-snapshots"));
    }
    propose(leader, "b", 200);
    long leaderSnapshot = leader.latestSnapshot().orElseThrow().lastIndex();
    assertTrue(leaderSnapshot > 170, "the leader snapshotted and compacted past the follower: " + leaderSnapshot);

    RecordingStateMachine fresh = new RecordingStateMachine();
    RaftGroup<String> restarted = cluster.start(behind, GROUP, fresh, CONFIG, EVERY_20);
    await().atMost(Duration.ofSeconds(20)).until(() -> fresh.size() == 230);
    assertEquals(machines.get(leader.node()).applied(), fresh.applied());
    // Restored from a snapshot the leader sent (after its own, at start, if it kept its directory);
    // a transfer that ends after the leader took a newer snapshot may be followed by a second one.
    assertTrue(fresh.restored() >= (wipe ? 1 : 2), "restored " + fresh.restored() + " times");
    assertTrue(restarted.latestSnapshot().orElseThrow().lastIndex() > 170, "the received snapshot is the store's newest");
    SnapshotStatus received = restarted.status().snapshots();
    assertTrue(received.installed() >= 1 && received.latestIndex() > 170, "the status tells: " + received);
    await().atMost(Duration.ofSeconds(5)).until(() -> leader.status().snapshots().sent() >= 1);
    propose(leader, "c", 5); // and it goes on by log
    await().atMost(Duration.ofSeconds(10)).until(() -> fresh.size() == 235);
    assertTrue(restarted.status().failure().isEmpty(), "the follower runs: " + restarted.status());
  }

  private static void propose(RaftGroup<String> leader, String prefix, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      assertEquals(prefix + i, leader.propose((prefix + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS));
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}

package io.keel.kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that was down while the others compacted their logs catches up by a snapshot sent over
 * the wire (InstallSnapshot) and serves every key after; with {@code state-machine = rocksdb} the
 * snapshot is a checkpoint sent file by file and installed by switching databases. Then it
 * restarts on what it installed. Runs on both state machines, like every service test.
 */
class SnapshotCatchUpTest {

  /** More entries than a leader keeps behind its snapshot (RaftConfig's snapshotTrailingEntries, 10,000). */
  private static final int KEYS = 12_000;

  @Test
  void a_node_behind_the_compacted_logs_catches_up_by_snapshot_and_restarts_on_it(@TempDir Path dir) throws Exception {
    try (KvCluster cluster = new KvCluster(dir, 3, 1, builder -> builder.snapshotEveryEntries(1000))) {
      cluster.awaitReady(Duration.ofSeconds(30));
      int behind = (cluster.leaderOf(0).orElseThrow() + 1) % 3;
      int writer = (behind + 1) % 3;
      cluster.stop(behind);
      try (RespClient client = cluster.client(writer)) {
        List<CompletableFuture<RespReply>> writes = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
          writes.add(client.send("SET", "key" + i, "value-" + i + "-" + "x".repeat(100)));
          if (writes.size() == 256) {
            awaitOk(writes);
          }
        }
        awaitOk(writes);
        // Snapshots are at least 10 s apart and taken after applies: a trickle of writes lets the
        // leader take one of (nearly) everything, and compact its log past where the stopped node is.
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
          assertEquals(RespReply.OK, client.send("SET", "trickle", "1").get(10, TimeUnit.SECONDS));
          ShardReplica leader = cluster.node(cluster.leaderOf(0).orElseThrow()).service().replicas().get(0);
          return leader.group().status().snapshots().latestIndex() > 11_000;
        });
      }
      cluster.start(behind);
      ShardReplica replica = cluster.node(behind).service().replicas().get(0);
      Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertTrue(
          replica.group().status().snapshots().installed() >= 1 && replica.store().size() > KEYS,
          "caught up by snapshot: " + replica.group().status().snapshots() + ", " + replica.store().size() + " keys"));
      assertKeys(replica);
      cluster.stop(behind);
      cluster.start(behind); // on the installed snapshot (and, with RocksDB, the database switched to)
      ShardReplica again = cluster.node(behind).service().replicas().get(0);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> again.store().size() > KEYS);
      assertKeys(again);
    }
  }

  private static void awaitOk(List<CompletableFuture<RespReply>> writes) throws Exception {
    for (CompletableFuture<RespReply> write : writes) {
      assertEquals(RespReply.OK, write.get(30, TimeUnit.SECONDS));
    }
    writes.clear();
  }

  private static void assertKeys(ShardReplica replica) {
    assertEquals(KEYS + 1, replica.store().size(), "the keys and the trickle");
    for (int i = 0; i < KEYS; i += 7) {
      byte[] key = ("key" + i).getBytes(StandardCharsets.UTF_8);
      byte[] value = replica.readLocal(store -> store.get(key));
      assertTrue(value != null && new String(value, StandardCharsets.UTF_8).startsWith("value-" + i + "-"), "key" + i);
    }
  }
}

package io.keel.kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader crashes while clients write. Through a follower, the follower retries each write in its
 * session at the next leader, so every acknowledged INCR is counted once and none twice. A client of
 * the leader itself loses its connection, reconnects to another node and sends its INCR again, as
 * Redis clients do: then an INCR in flight at the crash may count twice, never zero times.
 */
class LeaderCrashTest {

  private static final int WINDOW = 16;
  private static final int WRITES = 600;

  @Test
  void no_acknowledged_write_is_lost_and_none_applies_twice(@TempDir Path dir) throws Exception {
    try (KvCluster cluster = new KvCluster(dir, 3, 1, builder -> builder)) {
      cluster.awaitReady(Duration.ofSeconds(30));
      int leader = cluster.leaderOf(0).orElseThrow();
      int entry = (leader + 1) % 3;
      List<Long> acknowledged = new ArrayList<>();
      int unknown = 0;
      int refused = 0;
      try (RespClient client = cluster.client(entry)) {
        List<CompletableFuture<RespReply>> window = new ArrayList<>();
        for (int sent = 0; sent < WRITES; sent++) {
          if (sent == WRITES / 3) {
            cluster.stop(leader); // mid-stream, with writes in flight
          }
          window.add(client.send("INCR", "counter"));
          if (window.size() == WINDOW || sent == WRITES - 1) {
            for (CompletableFuture<RespReply> reply : window) {
              RespReply answer = reply.get(60, TimeUnit.SECONDS);
              if (answer instanceof RespReply.Integer value) {
                acknowledged.add(value.value());
              } else if (answer instanceof RespReply.Error error && error.code().equals("UNKNOWN")) {
                unknown++;
              } else {
                assertTrue(answer instanceof RespReply.Error error && error.code().equals("TRYAGAIN"), answer::toString);
                refused++;
              }
            }
            window.clear();
          }
        }
        long counter = Long.parseLong(((RespReply.Bulk) client.send("GET", "counter").get(30, TimeUnit.SECONDS)).text());
        Set<Long> distinct = new HashSet<>(acknowledged);
        assertEquals(acknowledged.size(), distinct.size(), "two INCRs answered the same value: one applied twice");
        assertTrue(counter >= acknowledged.size() && counter <= acknowledged.size() + unknown,
            "counter " + counter + " after " + acknowledged.size() + " acknowledged and " + unknown + " unknown INCRs");
        assertTrue(acknowledged.size() > WRITES / 2, acknowledged.size() + " acknowledged, " + refused + " refused");
      }
      cluster.start(leader);
      cluster.awaitReady(Duration.ofSeconds(30));
      try (RespClient restarted = cluster.client(leader)) {
        RespReply value = restarted.send("GET", "counter").get(30, TimeUnit.SECONDS);
        assertTrue(value instanceof RespReply.Bulk bulk && Long.parseLong(bulk.text()) >= acknowledged.size(),
            "the old leader catches up: " + value);
        assertEquals(RespReply.OK, restarted.send("SET", "after", "restart").get(30, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void a_client_of_the_crashed_leader_reconnects_elsewhere_and_retries(@TempDir Path dir) throws Exception {
    try (KvCluster cluster = new KvCluster(dir, 3, 1, builder -> builder)) {
      cluster.awaitReady(Duration.ofSeconds(30));
      int leader = cluster.leaderOf(0).orElseThrow();
      int acknowledged = 0;
      int unknown = 0;
      int node = leader;
      RespClient client = cluster.client(node);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      try {
        for (int sent = 0; sent < WRITES / 2; sent++) {
          assertTrue(System.nanoTime() < deadline, "the cluster took no write for two minutes");
          if (sent == WRITES / 6 && cluster.node(leader) != null) {
            cluster.stop(leader); // once: a retried INCR comes back to this count
          }
          RespReply answer;
          try {
            answer = client.send("INCR", "counter").get(60, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException lost) {
            unknown++; // the connection went with the node: the INCR may or may not have applied
            client.close();
            node = (node + 1) % 3;
            client = cluster.client(node); // what a Redis client does: another node, the same command again
            sent--;
            continue;
          }
          if (answer instanceof RespReply.Integer) {
            acknowledged++;
          } else {
            assertTrue(answer instanceof RespReply.Error error && error.code().matches("TRYAGAIN|UNKNOWN"), answer::toString);
            unknown += ((RespReply.Error) answer).code().equals("UNKNOWN") ? 1 : 0;
            sent--; // refused: retried
          }
        }
        long counter = Long.parseLong(((RespReply.Bulk) client.send("GET", "counter").get(30, TimeUnit.SECONDS)).text());
        assertTrue(counter >= acknowledged && counter <= acknowledged + unknown,
            "counter " + counter + " after " + acknowledged + " acknowledged and " + unknown + " unknown INCRs");
      } finally {
        client.close();
      }
    }
  }
}

package io.keel.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.config.WriteForwarding;
import io.keel.kv.server.KvCluster;
import io.keel.kv.server.Shards;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service under the unmodified {@code redis-cli}: every command, as a leader and as a follower
 * answer it, and the errors a client gets. Three nodes, two groups, values limited to 1 KiB.
 */
class RedisCliTest {

  @TempDir
  static Path dir;
  static KvCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    RedisCli.assumeInstalled();
    cluster = new KvCluster(dir, 3, 2, builder -> builder.maxValueBytes(1024));
    cluster.awaitReady(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String cli(int node, String... args) {
    return RedisCli.run(cluster.respPort(node), args);
  }

  @Test
  void strings_and_counters_as_redis_answers_them_on_any_node() {
    for (int node = 0; node < 3; node++) {
      String key = "greeting" + node;
      int other = (node + 1) % 3;
      assertEquals("PONG", cli(node, "PING"));
      assertEquals("\"hi there\"", cli(node, "ECHO", "hi there"));
      assertEquals("OK", cli(node, "SET", key, "hello"));
      assertEquals("\"hello\"", cli(other, "GET", key), "a write on one node is read on another");
      assertEquals("(nil)", cli(node, "SET", key, "again", "NX"));
      assertEquals("OK", cli(node, "SET", key, "hello", "XX"));
      assertEquals("(nil)", cli(node, "SET", "absent" + node, "x", "XX"));
      assertEquals("(integer) 10", cli(other, "APPEND", key, "world"));
      assertEquals("(integer) 10", cli(node, "STRLEN", key));
      assertEquals("(integer) 0", cli(node, "STRLEN", "absent" + node));
      assertEquals("(integer) 1", cli(node, "CAS", key, "helloworld", "bye"));
      assertEquals("(integer) 0", cli(node, "CAS", key, "helloworld", "again"));
      assertEquals("\"bye\"", cli(node, "GET", key));
      assertEquals("(integer) 1", cli(other, "INCR", "counter" + node));
      assertEquals("(integer) 11", cli(node, "INCRBY", "counter" + node, "10"));
      assertEquals("(integer) 10", cli(node, "DECR", "counter" + node));
      assertEquals("(integer) 7", cli(other, "DECRBY", "counter" + node, "3"));
      assertEquals("(integer) 2", cli(node, "EXISTS", key, "counter" + node, "absent" + node));
      assertEquals("OK", cli(node, "MSET", "{n" + node + "}a", "1", "{n" + node + "}b", "2"));
      assertEquals("(integer) 2", cli(other, "DEL", "{n" + node + "}a", "{n" + node + "}b", "{n" + node + "}c"));
      assertEquals("(integer) 0", cli(node, "EXISTS", "{n" + node + "}a"));
    }
  }

  @Test
  void multi_key_commands_within_one_group_and_across_groups() {
    assertEquals("OK", cli(1, "MSET", "{user1}:name", "ada", "{user1}:lang", "en"));
    assertEquals("1) \"ada\"\n2) \"en\"\n3) (nil)", cli(2, "MGET", "{user1}:name", "{user1}:lang", "{user1}:none"));
    String[] apart = keysInTwoGroups();
    assertEquals("OK", cli(0, "SET", apart[0], "a"));
    assertEquals("OK", cli(0, "SET", apart[1], "b"));
    assertEquals("1) \"a\"\n2) \"b\"", cli(1, "MGET", apart[0], apart[1]), "reads span groups, key by key");
    assertTrue(cli(0, "MSET", apart[0], "x", apart[1], "y").startsWith("(error) CROSSSLOT"));
    assertTrue(cli(0, "DEL", apart[0], apart[1]).startsWith("(error) CROSSSLOT"));
    assertEquals("(integer) 2", cli(0, "DEL", "{user1}:name", "{user1}:lang", "{user1}:none"));
  }

  /** Two keys that hash to the two groups. */
  static String[] keysInTwoGroups() {
    Shards shards = new Shards(2);
    String first = "k0";
    for (int i = 1; ; i++) {
      String candidate = "k" + i;
      if (shards.groupOf(candidate.getBytes(StandardCharsets.UTF_8))
          != shards.groupOf(first.getBytes(StandardCharsets.UTF_8))) {
        return new String[] {first, candidate};
      }
    }
  }

  @Test
  void errors_are_redis_errors_and_the_connection_stays() {
    assertTrue(cli(0, "FROBNICATE", "a").startsWith("(error) ERR unknown command 'FROBNICATE'"));
    assertEquals("(error) ERR wrong number of arguments for 'get' command", cli(0, "GET"));
    assertEquals("(error) ERR wrong number of arguments for 'set' command", cli(0, "SET", "a"));
    assertTrue(cli(0, "SET", "a", "b", "EX", "10").contains("EX is not supported"));
    assertEquals("(error) ERR syntax error", cli(0, "SET", "a", "b", "NX", "XX"));
    assertEquals("OK", cli(0, "SET", "word", "abc"));
    assertEquals("(error) ERR value is not an integer or out of range", cli(1, "INCR", "word"));
    assertEquals("(error) ERR value is not an integer or out of range", cli(1, "INCRBY", "n", "ten"));
    byte[] big = new byte[2000];
    Arrays.fill(big, (byte) 'v');
    String refused = RedisCli.run(cluster.respPort(2), big, "-x", "SET", "big");
    assertEquals("(error) ERR a value of 2000 bytes, the limit is 1024", refused);
    assertEquals("(nil)", cli(2, "GET", "big"));
    assertTrue(cli(2, "APPEND", "word", new String(big, 0, 1022, StandardCharsets.US_ASCII))
        .contains("exceeds the maximum allowed size"));
    assertEquals("(error) ERR DB index is out of range: this service has database 0 only", cli(0, "SELECT", "1"));
  }

  @Test
  void an_oversized_value_gets_an_error_and_the_same_connection_goes_on() throws Exception {
    try (RespClient client = cluster.client(1)) {
      byte[] big = new byte[5000];
      assertEquals(RespReply.error("ERR a value of 5000 bytes, the limit is 1024"), set(client, big),
          "above the value limit, below the longest argument gathered (the key limit, 64 KiB)");
      byte[] huge = new byte[3 << 20];
      assertEquals(RespReply.error("ERR an argument longer than 65536 bytes, the limit of this node"), set(client, huge),
          "not gathered at all: dropped as it arrives");
      assertEquals(new RespReply.Simple("PONG"), client.send("PING").get());
      assertEquals(RespReply.NULL, client.send("GET", "big").get(), "neither was written");
    }
  }

  private static RespReply set(RespClient client, byte[] value) throws Exception {
    return client.send(Arrays.asList("SET".getBytes(StandardCharsets.UTF_8), "big".getBytes(StandardCharsets.UTF_8),
        value)).get();
  }

  @Test
  void a_pipelined_connection_reads_its_own_writes_in_order() throws Exception {
    for (int node = 0; node < 3; node++) {
      try (RespClient client = cluster.client(node)) {
        java.util.List<java.util.concurrent.CompletableFuture<RespReply>> replies = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
          replies.add(client.send("SET", "ordered" + node, Integer.toString(i)));
          replies.add(client.send("GET", "ordered" + node));
          replies.add(client.send("INCR", "steps" + node));
        }
        for (int i = 0; i < 50; i++) {
          assertEquals(RespReply.OK, replies.get(3 * i).get());
          assertEquals(RespReply.bulk(Integer.toString(i)), replies.get(3 * i + 1).get(), "GET sees the SET before it");
          assertEquals(new RespReply.Integer(i + 1), replies.get(3 * i + 2).get());
        }
      }
    }
  }

  @Test
  void the_server_commands_redis_cli_and_redis_benchmark_use() {
    String info = cli(0, "INFO");
    assertTrue(info.contains("node_id:n1"), info);
    assertTrue(info.contains("kv-0:role="), info);
    assertTrue(info.contains("kv-1:role="), info);
    assertTrue(info.contains("voters=n1|n2|n3"), info);
    assertEquals("OK", cli(0, "CLIENT", "SETNAME", "tester"));
    assertTrue(Integer.parseInt(cli(0, "COMMAND", "COUNT").replace("(integer) ", "")) > 20);
    assertTrue(cli(0, "COMMAND", "INFO", "get").contains("\"get\""));
    assertEquals("1) \"appendonly\"\n2) \"yes\"", cli(0, "CONFIG", "GET", "appendonly"));
    assertEquals("OK", cli(0, "KEEL.READS", "local"));
    assertTrue(cli(0, "KEEL.READS", "stale").startsWith("(error) ERR read mode must be"));
    String leaders = cli(2, "KEEL.LEADERS");
    assertTrue(leaders.contains("kv-0 n") && leaders.contains("kv-1 n"), leaders);
    assertEquals("OK", cli(0, "QUIT"));
  }

  @Test
  void dbsize_counts_every_group() {
    int before = Integer.parseInt(cli(0, "DBSIZE").replace("(integer) ", ""));
    String[] apart = keysInTwoGroups();
    cli(0, "SET", apart[0] + "-size", "1");
    cli(0, "SET", apart[1] + "-size", "1");
    int after = Integer.parseInt(cli(1, "DBSIZE").replace("(integer) ", ""));
    assertTrue(after >= before + 1, before + " -> " + after);
  }

  @Test
  void redirect_mode_names_the_leader_and_redis_cli_follows_it(@TempDir Path other) throws Exception {
    try (KvCluster redirecting = new KvCluster(other, 3, 1, builder -> builder.writeForwarding(WriteForwarding.REDIRECT))) {
      redirecting.awaitReady(Duration.ofSeconds(30));
      int leader = redirecting.leaderOf(0).orElseThrow();
      int follower = (leader + 1) % 3;
      String moved = RedisCli.run(redirecting.respPort(follower), "SET", "a", "b");
      assertEquals("(error) MOVED 0 127.0.0.1:" + redirecting.respPort(leader), moved);
      assertEquals("OK", RedisCli.run(redirecting.respPort(follower), "-c", "SET", "a", "b"), "redis-cli -c follows MOVED");
      assertEquals("\"b\"", RedisCli.run(redirecting.respPort(follower), "GET", "a"), "reads are served by any node");
    }
  }
}

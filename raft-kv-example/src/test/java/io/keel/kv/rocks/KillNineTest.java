package io.keel.kv.rocks;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Kill -9 of a node on RocksDB at random points of a pipelined write load, again and again, each
 * time restarting it on its data: no acknowledged write is lost, and none is applied twice. A node
 * of one voter commits by its own forced log, so every restart replays from RocksDB's stored
 * applied index whatever the log holds beyond it; an index stored apart from the data it
 * describes would lose writes or apply them twice, and this test would see it: the counter must
 * end between the INCRs acknowledged and those plus the ones whose answer the kill took, and
 * every acknowledged SET must read back. Runs {@code keel.kill9.rounds} kills (8 by default; the
 * long run in docs/kv-example.md uses more). A second test breaks the database behind the node's
 * back, losing a write and repeating one, to show that both checks fire.
 */
class KillNineTest {

  private static final int ROUNDS = Integer.getInteger("keel.kill9.rounds", 8);

  @TempDir Path dir;
  private ChildNode child;

  @BeforeEach
  void configure() throws IOException {
    configure("data");
  }

  /** Configures a node with its data in {@code data}. */
  private void configure(String data) throws IOException {
    child = new ChildNode(dir, data, "256m", "groups = 2", "snapshot-every-entries = 2000");
  }

  @Test
  void no_acknowledged_write_is_lost_and_none_is_applied_twice_across_kills() throws Exception {
    long seed = Long.getLong("keel.kill9.seed", System.nanoTime());
    System.out.println("KillNineTest: seed " + seed + " (-Dkeel.kill9.seed), " + ROUNDS + " kills");
    Random random = new Random(seed);
    Ledger ledger = new Ledger();
    for (int round = 0; round < ROUNDS; round++) {
      loadAndKill(ledger, round, random);
    }
    startAndCheck(ledger, ROUNDS);
    assertTrue(ledger.acknowledged() > 0, "the load wrote something");
  }

  @Test
  void the_checks_fire_when_the_database_loses_a_write_or_repeats_one() throws Exception {
    Ledger ledger = new Ledger();
    loadAndKill(ledger, 0, new Random(1));
    String lost = ledger.anAcknowledgedSet();
    tamper(db -> db.delete(Keys.data(lost.getBytes(StandardCharsets.US_ASCII))));
    AssertionError caught = assertThrows(AssertionError.class, () -> startAndCheck(ledger, 1));
    assertTrue(caught.getMessage().contains("the acknowledged SET of " + lost + " was lost"), caught.getMessage());

    Ledger again = new Ledger();
    configure("other-data");
    loadAndKill(again, 0, new Random(2));
    startAndCheck(again, 1); // the counter is now known exactly
    byte[] counter = Keys.data("counter".getBytes(StandardCharsets.US_ASCII));
    tamper(db -> {
      byte[] value = db.get(counter);
      if (value != null) {
        db.put(counter, Long.toString(Long.parseLong(new String(value, StandardCharsets.US_ASCII)) + 1)
            .getBytes(StandardCharsets.US_ASCII)); // as if one INCR were applied twice
      }
    });
    caught = assertThrows(AssertionError.class, () -> startAndCheck(again, 2));
    assertTrue(caught.getMessage().contains("one was applied twice"), caught.getMessage());
  }

  /** Starts the node, checks it against the ledger, writes until a random number more are acknowledged, and kills it. */
  private void loadAndKill(Ledger ledger, int round, Random random) throws Exception {
    Process node = child.start();
    try {
      RespClient client = child.awaitServing(node);
      ledger.check(client, round);
      long killAt = ledger.acknowledged() + 100 + random.nextInt(3000);
      CompletableFuture.runAsync(() -> ledger.write(client, round));
      await().atMost(Duration.ofSeconds(60)).until(() -> ledger.acknowledged() >= killAt || !node.isAlive());
    } finally {
      ChildNode.kill(node);
    }
  }

  /** Starts the node, checks it against the ledger, and stops it. */
  private void startAndCheck(Ledger ledger, int round) throws Exception {
    Process node = child.start();
    try {
      ledger.check(child.awaitServing(node), round);
    } finally {
      ChildNode.kill(node);
    }
  }

  private interface Change {
    void apply(RocksDB db) throws RocksDBException;
  }

  /** Changes every group's database behind the node's back, while it is down: a broken store. */
  private void tamper(Change change) throws IOException, RocksDBException {
    for (String group : List.of("kv-0", "kv-1")) {
      Path current = RocksDbHome.open(child.dataDir().resolve(group).resolve("state")).current();
      try (Options options = new Options(); RocksDB db = RocksDB.open(options, current.toString())) {
        change.apply(db);
      }
    }
  }

  /** What the load was told: INCRs acknowledged or unanswered, SETs acknowledged. */
  private static final class Ledger {
    private long incrsAcknowledged;
    private long incrsUnknown;
    private final Set<Long> incrAnswers = new HashSet<>();
    /** An answer two INCRs got, if any: one of them was applied twice, or answered from another's result. */
    private Long repeatedAnswer;
    private final Map<String, String> setsAcknowledged = new HashMap<>();
    private long nextKey;

    synchronized String anAcknowledgedSet() {
      return setsAcknowledged.keySet().iterator().next();
    }

    synchronized long acknowledged() {
      return incrsAcknowledged + setsAcknowledged.size();
    }

    /** Pipelines INCRs and SETs of new keys, 64 outstanding at most, until the connection dies. */
    void write(RespClient client, int round) {
      Semaphore window = new Semaphore(64);
      while (client.isOpen()) {
        try {
          if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
            continue;
          }
        } catch (InterruptedException e) {
          return;
        }
        long i;
        synchronized (this) {
          i = nextKey++;
        }
        if (i % 2 == 0) {
          synchronized (this) {
            incrsUnknown++;
          }
          client.send("INCR", "counter").whenComplete((reply, failure) -> {
            synchronized (this) {
              if (reply instanceof RespReply.Integer value) {
                incrsUnknown--;
                incrsAcknowledged++;
                if (!incrAnswers.add(value.value())) {
                  repeatedAnswer = value.value();
                }
              }
            }
            window.release();
          });
        } else {
          String key = "key-" + round + "-" + i;
          client.send("SET", key, Long.toString(i)).whenComplete((reply, failure) -> {
            if (reply instanceof RespReply.Simple) {
              synchronized (this) {
                setsAcknowledged.put(key, Long.toString(i));
              }
            }
            window.release();
          });
        }
      }
    }

    /** The node's state against what was acknowledged; called between rounds, with no write in flight. */
    void check(RespClient client, int round) throws Exception {
      long acknowledged;
      long unknown;
      Long repeated;
      Map<String, String> sets;
      synchronized (this) {
        acknowledged = incrsAcknowledged;
        unknown = incrsUnknown;
        repeated = repeatedAnswer;
        sets = Map.copyOf(setsAcknowledged);
      }
      assertEquals(null, repeated, "round " + round + ": two INCRs were answered " + repeated);
      RespReply counter = client.send("GET", "counter").get(10, TimeUnit.SECONDS);
      long value = counter instanceof RespReply.Bulk bulk && bulk.bytes() != null ? Long.parseLong(bulk.text()) : 0;
      assertTrue(value >= acknowledged, "round " + round + ": the counter is " + value + " after " + acknowledged
          + " acknowledged INCRs: an acknowledged write was lost");
      assertTrue(value <= acknowledged + unknown, "round " + round + ": the counter is " + value + " after "
          + acknowledged + " acknowledged and " + unknown + " unanswered INCRs: one was applied twice");
      for (Map.Entry<String, String> set : sets.entrySet()) {
        RespReply reply = client.send("GET", set.getKey()).get(10, TimeUnit.SECONDS);
        assertEquals(new RespReply.Bulk(set.getValue().getBytes(StandardCharsets.US_ASCII)), reply,
            "round " + round + ": the acknowledged SET of " + set.getKey() + " was lost");
      }
      synchronized (this) {
        incrsUnknown = 0; // from here the counter is known: the unanswered INCRs that applied are counted
        incrsAcknowledged = value;
      }
    }
  }
}

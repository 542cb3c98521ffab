package io.keel.kv.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.cli.Loader;
import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on RocksDB with a 64 MiB heap holds and serves about four times that in values (random,
 * so they do not compress), across a snapshot and a restart; the map in memory could not. The
 * benchmark with 10 GB is in docs/performance.md.
 */
class LargerThanHeapTest {

  private static final int KEYS = 32_000;
  private static final int VALUE_BYTES = 8 * 1024;

  @Test
  void a_state_four_times_the_heap_is_written_served_and_found_again_after_a_restart(@TempDir Path dir)
      throws Exception {
    ChildNode child = new ChildNode(dir, "data", "64m", "groups = 1", "snapshot-every-entries = 10000");
    Loader loader = new Loader(child.respAddress(), "big:", VALUE_BYTES, 7, 32);
    Process node = child.start();
    try {
      child.awaitServing(node).close();
      Loader.Outcome written = loader.load(0, KEYS);
      assertEquals((long) KEYS * VALUE_BYTES, written.bytes());
      assertTrue(written.bytes() > 4L * (64 << 20) * 0.95, "about four times the heap: " + written.bytes());
      loader.check(0, KEYS);
    } finally {
      ChildNode.kill(node);
    }
    Process again = child.start();
    try (RespClient client = child.awaitServing(again)) {
      loader.check(0, KEYS);
      assertEquals(new RespReply.Integer(KEYS + 1), client.send("DBSIZE").get(10, TimeUnit.SECONDS),
          "the keys and the readiness probe's");
    } finally {
      ChildNode.kill(again);
    }
  }
}

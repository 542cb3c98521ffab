package io.keel.kv.rocks;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import io.keel.kv.server.KvCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A one-node keel-kv cluster on RocksDB in a child JVM ({@code keel-kv server}), for tests that
 * kill it or bound its heap: its configuration file, its data directory, and its start, each
 * logged to a file of its own. A node of one voter commits by its own forced log.
 */
final class ChildNode {

  private final Path dir;
  private final Path config;
  private final Path dataDir;
  private final int resp;
  private final String heap;
  private int starts;

  /**
   * @param dir where the configuration, the data ({@code dataName}) and the logs go
   * @param heap the child's {@code -Xmx}, e.g. {@code 256m}
   * @param extraLines more configuration lines
   */
  ChildNode(Path dir, String dataName, String heap, String... extraLines) throws IOException {
    this.dir = dir;
    this.heap = heap;
    this.dataDir = dir.resolve(dataName);
    this.resp = KvCluster.freePort();
    this.config = dir.resolve(dataName + ".conf");
    List<String> lines = new ArrayList<>(List.of(
        "node-id = n1",
        "members = n1=127.0.0.1:" + KvCluster.freePort(),
        "data-dir = " + dataDir,
        "resp-listen = 127.0.0.1:" + resp,
        "http-listen = off",
        "state-machine = rocksdb",
        "rocksdb-cache-mb = 32",
        "election-timeout-ms = 300",
        "heartbeat-interval-ms = 50"));
    lines.addAll(List.of(extraLines));
    lines.add("");
    Files.writeString(config, String.join("\n", lines), StandardCharsets.UTF_8);
  }

  Path dataDir() {
    return dataDir;
  }

  InetSocketAddress respAddress() {
    return new InetSocketAddress("127.0.0.1", resp);
  }

  /** Starts the node in a new JVM. */
  Process start() throws IOException {
    Path log = dir.resolve(dataDir.getFileName() + "-" + (starts++) + ".log");
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
        "-cp", System.getProperty("java.class.path"), "io.keel.kv.cli.KeelKv", "server", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** A connection to the node once it takes writes (it is starting, replaying or electing until then). */
  RespClient awaitServing(Process node) {
    AtomicReference<RespClient> ready = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
      assertTrue(node.isAlive(), "the node exited; see " + dir);
      try {
        RespClient client = RespClient.connect(respAddress(), Duration.ofSeconds(2));
        if (client.send("SET", "ready", "1").get(5, TimeUnit.SECONDS) instanceof RespReply.Simple) {
          ready.set(client);
          return true;
        }
        client.close();
      } catch (IOException | ExecutionException | TimeoutException notYet) {
        // not yet
      }
      return false;
    });
    return ready.get();
  }

  /** Kills the node with SIGKILL and waits for it to be gone. */
  static void kill(Process node) throws InterruptedException {
    node.destroyForcibly();
    node.waitFor(30, TimeUnit.SECONDS);
  }
}

package io.keel.kv.cli;

import io.keel.kv.config.KvConfig;
import io.keel.kv.config.StateMachineKind;
import io.keel.kv.server.Addresses;
import io.keel.kv.server.KvNode;
import io.keel.raft.NodeId;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keel-kv demo}: three nodes in this process, on 127.0.0.1, with their data under
 * {@code ./data}: the one-command way to try the service. Ctrl-C stops them cleanly; running the
 * command again finds the data where it was left.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a local three-node cluster (data in ./data); Ctrl-C stops it.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--data", description = "Where the nodes keep their data (default: ${DEFAULT-VALUE}).")
  Path data = Path.of("data");

  @Option(names = "--groups", description = "Raft groups the keys are hashed over, 1 to 256 (default: ${DEFAULT-VALUE}).")
  int groups = 3;

  @Option(names = "--resp-port", description = "The first node's RESP port; the others take the next ones (default: ${DEFAULT-VALUE}).")
  int respPort = 7379;

  @Option(names = "--raft-port", description = "The first node's Raft port; the others take the next ones (default: ${DEFAULT-VALUE}).")
  int raftPort = 7001;

  @Option(names = "--http-port", description = "The first node's HTTP port; the others take the next ones (default: ${DEFAULT-VALUE}).")
  int httpPort = 8081;

  @Option(names = "--nodes", description = "How many nodes, 1 to 9 (default: ${DEFAULT-VALUE}).")
  int nodes = 3;

  @Option(names = "--state-machine", description = "Where the state lives: ${COMPLETION-CANDIDATES}"
      + " (default: ${DEFAULT-VALUE}); fixed for a data directory on its first start.")
  StateMachineKind stateMachine = StateMachineKind.MEMORY;

  /** Stops the demo when counted down; a test stops it this way instead of Ctrl-C. */
  final CountDownLatch stop = new CountDownLatch(1);
  /** Completes once the cluster serves and the welcome is printed. */
  final CompletableFuture<Void> started = new CompletableFuture<>();
  final List<KvNode> running = new ArrayList<>();
  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || nodes > 9) {
      System.err.println("--nodes must be 1 to 9, not " + nodes);
      return 2;
    }
    List<KvConfig> configs = configs();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> awaitStop(stop, stopped), "keel-kv-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      for (KvConfig config : configs) {
        running.add(KvNode.start(config));
      }
      Nodes.awaitLeaders(running, Duration.ofSeconds(30));
      printWelcome(out);
      started.complete(null);
      stop.await();
    } catch (IOException e) {
      System.err.println("the demo cannot start: " + e.getMessage());
      return 1;
    } finally {
      out.println("stopping...");
      for (KvNode node : running) {
        node.close();
      }
      out.println("stopped; the data stays in " + data.toAbsolutePath().normalize());
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is what stopped us
      }
    }
    return 0;
  }

  private List<KvConfig> configs() {
    Map<NodeId, InetSocketAddress> members = new LinkedHashMap<>();
    for (int i = 0; i < nodes; i++) {
      members.put(NodeId.of("n" + (i + 1)), new InetSocketAddress("127.0.0.1", raftPort + i));
    }
    List<KvConfig> configs = new ArrayList<>();
    int i = 0;
    for (NodeId node : members.keySet()) {
      configs.add(KvConfig.builder(node).members(members).dataDir(data.resolve(node.value()))
          .respListen(new InetSocketAddress("127.0.0.1", respPort + i))
          .httpListen(new InetSocketAddress("127.0.0.1", httpPort + i))
          .groups(groups).stateMachine(stateMachine).build());
      i++;
    }
    return configs;
  }

  private void printWelcome(PrintStream out) {
    out.println();
    out.println("Keel key-value demo: " + nodes + " nodes, " + groups + " Raft group(s), data in "
        + data.toAbsolutePath().normalize());
    for (KvNode node : running) {
      KvConfig config = node.config();
      out.printf("  %-3s RESP %s   HTTP %s   Raft %s%n", config.nodeId(), Addresses.format(node.respAddress()),
          config.httpListen().map(Addresses::format).orElse("off"), Addresses.format(config.raftListen()));
    }
    int port = running.get(0).respAddress().getPort();
    out.println();
    out.println("Try it (any node takes reads and writes):");
    out.println("  redis-cli -p " + port + " set hello world");
    out.println("  redis-cli -p " + (port + Math.min(1, nodes - 1)) + " get hello");
    out.println("  redis-cli -p " + port + " info");
    out.println("  redis-benchmark -p " + port + " -t set,get -n 100000 -c 50 -P 16");
    out.println("Ctrl-C stops the cluster; run the command again and the data is still there.");
    out.flush();
  }

  /** On Ctrl-C or SIGTERM: asks the main thread to stop, and holds the JVM until it has (up to a minute). */
  static void awaitStop(CountDownLatch stop, CountDownLatch stopped) {
    stop.countDown();
    try {
      stopped.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

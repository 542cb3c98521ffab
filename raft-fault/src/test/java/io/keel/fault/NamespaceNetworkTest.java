package io.keel.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes in network namespaces, each running a TCP echo server on its Raft listen address
 * (behind its delay proxy) and its RESP address; the probes connect from the root namespace (the
 * test's clients) and from inside the nodes' namespaces. Skipped, with the reason, where
 * namespaces cannot be made (no root, no CAP_NET_ADMIN, no nft): the fault test then falls back to
 * loopback, as its first line says.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NamespaceNetworkTest {

  private static final int NODES = 3;
  private static final long DELAY_MILLIS = 300;
  private static final long SLOW_MILLIS = 3_000;
  private static final Duration PROCESS_START_TIMEOUT = Duration.ofSeconds(60);

  private static NamespaceNetwork shared;
  private static final List<Process> echoServers = new ArrayList<>();

  /** A new network, or the test skipped when namespaces cannot be made here. */
  private static NamespaceNetwork createOrSkip(int nodes) {
    String runId = "t" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    List<String> reasons = new ArrayList<>();
    Optional<NamespaceNetwork> created = NamespaceNetwork.tryCreate(nodes, runId, reasons::add);
    assumeTrue(created.isPresent(), "no network namespaces here: " + reasons);
    return created.get();
  }

  /** The class's network with an echo server in every namespace, made on first use. */
  private static synchronized NamespaceNetwork network() throws Exception {
    if (shared == null) {
      NamespaceNetwork network = createOrSkip(NODES);
      shared = network;
      for (int node = 0; node < NODES; node++) {
        echoServers.add(startEchoServer(network, node));
      }
    }
    return shared;
  }

  private static Process startEchoServer(NamespaceNetwork network, int node) throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), NetworkEchoServer.class.getName(),
        DelayProxyProcess.hostAndPort(network.raftListen(node)),
        DelayProxyProcess.hostAndPort(network.respAddress(node)));
    Process process = new ProcessBuilder(network.wrap(node, command))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ready = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return "(" + e + ")";
      }
    }).get(PROCESS_START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertEquals("ready", ready, "the echo server of node " + node);
    return process;
  }

  @AfterEach
  void heal() {
    if (shared != null) {
      shared.heal();
    }
  }

  @AfterAll
  static void closeNetwork() throws InterruptedException {
    for (Process echoServer : echoServers) {
      echoServer.destroyForcibly();
      assertTrue(echoServer.waitFor(10, TimeUnit.SECONDS), "the echo server ends");
    }
    if (shared != null) {
      shared.close();
    }
  }

  /** Whether a TCP connection from inside node {@code node}'s namespace to {@code address} opens within two seconds. */
  private static boolean connectsFrom(int node, InetSocketAddress address) throws Exception {
    String script = "exec 3<>/dev/tcp/" + address.getAddress().getHostAddress() + "/" + address.getPort();
    return NetnsShell.run(network().wrap(node, List.of("timeout", "2", "bash", "-c", script)), "").ok();
  }

  /** The time a line takes to come back from {@code address}'s echo server, sent from inside node {@code node}'s namespace. */
  private static long roundTripMillisFrom(int node, InetSocketAddress address) throws Exception {
    String script = "exec 3<>/dev/tcp/" + address.getAddress().getHostAddress() + "/" + address.getPort()
        + " && start=$(date +%s%N) && echo ping >&3 && read -t 8 line <&3 && end=$(date +%s%N)"
        + " && echo $(( (end - start) / 1000000 )) $line";
    NetnsShell.Result result = NetnsShell.run(network().wrap(node, List.of("timeout", "10", "bash", "-c", script)), "");
    assertTrue(result.ok(), "round trip from node " + node + " to " + address + ": " + result);
    String[] fields = result.output().trim().split(" ");
    assertEquals("ping", fields[1], "the echo");
    return Long.parseLong(fields[0]);
  }

  /** The time one byte takes to come back from {@code address}'s echo server, sent from the root namespace. */
  private static long roundTripMillisFromRoot(InetSocketAddress address) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(address, 2_000);
      socket.setSoTimeout(5_000);
      socket.setTcpNoDelay(true);
      long start = System.nanoTime();
      socket.getOutputStream().write('x');
      assertEquals('x', socket.getInputStream().read(), "the echo from " + address);
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
  }

  private static String inputChain(NamespaceNetwork network, int node) {
    NetnsShell.Result result = NetnsShell.find().orElseThrow()
        .nftScript(network.namespace(node), "list chain inet keelfault input\n");
    assertTrue(result.ok(), result.output());
    return result.output();
  }

  private static String address(NamespaceNetwork network, int node) {
    return network.nodeAddress(node).getHostAddress();
  }

  @Test
  void whenCreated_thenClientsReachEveryNodeDirectlyAndThroughItsProxy_andNodesReachEachOther() throws Exception {
    NamespaceNetwork network = network();
    assertTrue(network.linkFaults());
    assertEquals(NODES, network.size());
    assertTrue(network.describe().contains(network.namespace(0)), network.describe());
    for (int node = 0; node < NODES; node++) {
      assertTrue(roundTripMillisFromRoot(network.respAddress(node)) < SLOW_MILLIS, "RESP of node " + node);
      assertTrue(roundTripMillisFromRoot(network.raftAddress(node)) < SLOW_MILLIS, "Raft proxy of node " + node);
      int next = (node + 1) % NODES;
      assertTrue(connectsFrom(node, network.respAddress(next)), node + " reaches " + next);
      assertTrue(roundTripMillisFrom(node, network.raftAddress(next)) < SLOW_MILLIS, node + " Raft to " + next);
    }
  }

  @Test
  void whenCut_thenOnlyThatLinkDropsPackets_andHealRestoresIt() throws Exception {
    NamespaceNetwork network = network();
    network.cut(0, 1);
    String rule = "ip saddr " + address(network, 0) + " drop";
    assertTrue(inputChain(network, 1).contains(rule), inputChain(network, 1));
    assertFalse(inputChain(network, 0).contains("ip saddr"), "nothing is dropped at node 0: " + inputChain(network, 0));
    assertFalse(connectsFrom(0, network.respAddress(1)), "0 is cut from 1");
    assertTrue(connectsFrom(2, network.respAddress(1)), "2 still reaches 1");
    assertTrue(connectsFrom(0, network.respAddress(2)), "0 still reaches 2");
    assertTrue(roundTripMillisFromRoot(network.respAddress(1)) < SLOW_MILLIS, "clients are never cut");

    network.heal();
    assertFalse(inputChain(network, 1).contains("ip saddr"), inputChain(network, 1));
    assertTrue(connectsFrom(0, network.respAddress(1)), "healed");
  }

  @Test
  void whenLossIsTotal_thenNothingPasses_andZeroLossRemovesTheRule() throws Exception {
    NamespaceNetwork network = network();
    network.loss(1, 2, 30);
    String rule = "ip saddr " + address(network, 1) + " numgen random mod 100 < 30 drop";
    assertTrue(inputChain(network, 2).contains(rule), inputChain(network, 2));
    network.loss(1, 2, 100);
    assertFalse(connectsFrom(1, network.respAddress(2)), "all packets from 1 to 2 are lost");
    network.loss(1, 2, 0);
    assertFalse(inputChain(network, 2).contains("ip saddr"), inputChain(network, 2));
    assertTrue(connectsFrom(1, network.respAddress(2)), "no loss");
    assertThrows(IllegalArgumentException.class, () -> network.loss(1, 2, 101));
    assertThrows(IllegalArgumentException.class, () -> network.cut(1, 1));
  }

  @Test
  void whenDelayed_thenRaftBytesOnThatLinkAreHeldBack_whicheverNodeDialed() throws Exception {
    NamespaceNetwork network = network();
    network.delay(0, 1, Duration.ofMillis(DELAY_MILLIS));
    long dialedBySender = roundTripMillisFrom(0, network.raftAddress(1));
    assertTrue(dialedBySender >= DELAY_MILLIS && dialedBySender < SLOW_MILLIS, "0 to 1: " + dialedBySender + " ms");
    long dialedByReceiver = roundTripMillisFrom(1, network.raftAddress(0));
    assertTrue(dialedByReceiver >= DELAY_MILLIS && dialedByReceiver < SLOW_MILLIS,
        "1 dialed 0, bytes from 0 back to 1: " + dialedByReceiver + " ms");
    long otherLink = roundTripMillisFrom(2, network.raftAddress(1));
    assertTrue(otherLink < DELAY_MILLIS, "2 to 1 is not slowed: " + otherLink + " ms");
    long client = roundTripMillisFromRoot(network.raftAddress(1));
    assertTrue(client < DELAY_MILLIS, "clients are not slowed: " + client + " ms");

    network.heal();
    long healed = roundTripMillisFrom(0, network.raftAddress(1));
    assertTrue(healed < DELAY_MILLIS, "healed: " + healed + " ms");
  }

  @Test
  void whenClosed_thenNamespacesLinksAndProxiesAreGone() throws Exception {
    network();
    NamespaceNetwork network = createOrSkip(1);
    NetnsShell shell = NetnsShell.find().orElseThrow();
    String namespace = network.namespace(0);
    List<ProcessHandle> inside = new ArrayList<>();
    for (String pid : shell.ip("netns", "pids", namespace).output().trim().split("\\s+")) {
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(inside::add);
    }
    assertEquals(1, inside.size(), "the delay proxy runs in " + namespace);
    String bridge = network.describe().replaceAll(".* on bridge (\\S+) .*", "$1");

    network.close();
    network.close();
    assertFalse(shell.ip("netns", "list").output().contains(namespace), shell.ip("netns", "list").output());
    assertFalse(shell.ip("link", "show", bridge).ok(), "the bridge " + bridge + " is gone");
    assertFalse(inside.get(0).isAlive(), "the proxy is gone");
    assertThrows(IllegalStateException.class, () -> network.cut(0, 0));
    assertTrue(shared.namespace(0).startsWith("kf"), "the other network is untouched");
    assertTrue(shell.ip("netns", "list").output().contains(shared.namespace(0)), "the other network is untouched");
  }

  @Test
  void whenTheHostFiltersForwarding_thenItsForwardChainsAreFound() {
    String ruleset = String.join("\n",
        "table ip filter { # handle 1",
        "\tchain INPUT { # handle 1",
        "\t\ttype filter hook input priority filter; policy accept;",
        "\t}",
        "\tchain FORWARD { # handle 2",
        "\t\ttype filter hook forward priority filter; policy drop;",
        "\t\tcounter packets 0 bytes 0 jump DOCKER-USER # handle 7",
        "\t}",
        "}",
        "table bridge nat {",
        "\tchain forward {",
        "\t\ttype filter hook forward priority 0; policy accept;",
        "\t}",
        "}",
        "table inet firewalld {",
        "\tchain filter_FORWARD {",
        "\t\ttype filter hook forward priority filter + 10; policy accept;",
        "\t}",
        "}");
    assertEquals(List.of(new NetnsHost.ForwardChain("ip", "filter", "FORWARD"),
        new NetnsHost.ForwardChain("inet", "firewalld", "filter_FORWARD")), NetnsHost.forwardChains(ruleset));
  }
}

package io.keel.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The nodes in Linux network namespaces on a bridge, with faults on the links between them.
 *
 * <p>For run id R and node i: namespace {@code kfR-i}, whose {@code eth0} has address
 * {@code 10.77.X.(i+1)/24}, joined by the veth {@code kfRvi} to the bridge {@code kfbR}, which has
 * {@code 10.77.X.254/24} in the root namespace so that the test's clients reach every node. X (1 to
 * 250) is derived from R and probed onward until a subnet no interface or route of the host uses.
 * A node's Raft transport binds {@code 127.0.0.1:7001} in its namespace and is reached through a
 * {@link DelayProxy} there on {@code 10.77.X.(i+1):7001}; its RESP port is {@code 10.77.X.(i+1):6379}.
 *
 * <p>Cuts and loss are nftables rules in table {@code inet keelfault}, chain {@code input}, of the
 * receiving node's namespace, matching the sender's address; they are rebuilt whole from this
 * object's model on every change. The bridge address never matches, so clients are never cut.
 *
 * <p>Delay is the proxies' doing and applies to Raft connections only. {@code delay(from, to, d)}
 * holds back by d every byte from {@code from} to {@code to}: on connections {@code from} dialed,
 * which pass {@code to}'s proxy, it is that proxy's inbound delay for remote {@code from}; on
 * connections {@code to} dialed, which pass {@code from}'s proxy, it is that proxy's outbound delay
 * for remote {@code to}. Delays are whole milliseconds (rounded down).
 *
 * <p>{@link #close()} kills the proxies and deletes the namespaces, veths and bridge; it also runs
 * as a shutdown hook. What a killed run left behind is removed by {@link #removeLeftovers(String)},
 * which {@link #tryCreate} calls for its own run id.
 */
public final class NamespaceNetwork implements Network {

  /** The Raft port: of the node's transport on its loopback, and of its proxy on its address. */
  public static final int RAFT_PORT = 7001;

  /** The RESP port, on the node's address. */
  public static final int RESP_PORT = 6379;

  /** The most nodes a network can have (the bridge takes .254 of the /24). */
  public static final int NODES_MAX = 250;

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9]{1,6}");
  private static final int SUBNETS = 250;
  private static final Duration PROXY_START_TIMEOUT = Duration.ofSeconds(60);
  private static final String CREATE_TABLE = "add table inet keelfault\n"
      + "add chain inet keelfault input { type filter hook input priority 0; policy accept; }\n";

  private final NetnsShell shell;
  private final int nodes;
  private final String runId;
  private final boolean[][] cut;
  private final int[][] lossPercent;
  private final List<DelayProxyProcess> proxies = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::close, "namespace-network-cleanup");
  private int subnet;
  private boolean closed;

  private NamespaceNetwork(NetnsShell shell, int nodes, String runId) {
    this.shell = shell;
    this.nodes = nodes;
    this.runId = runId;
    this.cut = new boolean[nodes][nodes];
    this.lossPercent = new int[nodes][nodes];
  }

  /**
   * The network of {@code nodes} nodes for run {@code runId} (1 to 6 letters or digits), or empty
   * when namespaces or nftables cannot be used here; then whatever was made is removed again.
   * Throws only for arguments out of range.
   */
  public static Optional<NamespaceNetwork> tryCreate(int nodes, String runId) {
    return tryCreate(nodes, runId, reason -> { });
  }

  /** Like {@link #tryCreate(int, String)}, telling {@code whyNot} the reason when it returns empty. */
  public static Optional<NamespaceNetwork> tryCreate(int nodes, String runId, Consumer<String> whyNot) {
    if (nodes < 1 || nodes > NODES_MAX) {
      throw new IllegalArgumentException("nodes must be in 1.." + NODES_MAX + ": " + nodes);
    }
    if (!RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException("the run id must be 1 to 6 letters or digits: '" + runId + "'");
    }
    if (!NetnsShell.runningAsRoot()) {
      whyNot.accept("not running as root");
      return Optional.empty();
    }
    Optional<NetnsShell> shell = NetnsShell.find();
    if (shell.isEmpty()) {
      whyNot.accept("ip or nft is not installed");
      return Optional.empty();
    }
    NetnsHost.removeLeftovers(shell.get(), runId::equals);
    NamespaceNetwork network = new NamespaceNetwork(shell.get(), nodes, runId);
    Runtime.getRuntime().addShutdownHook(network.shutdownHook);
    try {
      network.build();
      return Optional.of(network);
    } catch (IOException | RuntimeException e) {
      network.close();
      whyNot.accept(e.toString());
      return Optional.empty();
    }
  }

  /**
   * Removes the namespaces, veths, bridges and forward rules of every run (names starting with
   * {@code kf}, as made here), killing the processes left in those namespaces. For a clean host
   * before a test; never while another run is live.
   */
  public static void removeLeftovers() {
    NetnsShell.find().ifPresent(shell -> NetnsHost.removeLeftovers(shell, runId -> true));
  }

  /** Removes what an earlier, killed run with id {@code runId} left behind (as {@link #removeLeftovers()}). */
  public static void removeLeftovers(String runId) {
    NetnsShell.find().ifPresent(shell -> NetnsHost.removeLeftovers(shell, runId::equals));
  }

  private void build() throws IOException {
    String bridge = bridgeName();
    shell.ipOrThrow("link", "add", bridge, "type", "bridge");
    shell.ipOrThrow("link", "set", bridge, "up");
    subnet = claimSubnet(bridge);
    for (int node = 0; node < nodes; node++) {
      String namespace = namespace(node);
      String veth = "kf" + runId + "v" + node;
      shell.ipOrThrow("netns", "add", namespace);
      shell.ipOrThrow("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace);
      shell.ipOrThrow("link", "set", veth, "master", bridge, "up");
      shell.ipOrThrow("-n", namespace, "addr", "add", nodeAddress(node).getHostAddress() + "/24", "dev", "eth0");
      shell.ipOrThrow("-n", namespace, "link", "set", "eth0", "up");
      shell.ipOrThrow("-n", namespace, "link", "set", "lo", "up");
      shell.nftScriptOrThrow(namespace, CREATE_TABLE);
    }
    NetnsHost.allowBridgedTraffic(shell, bridge);
    for (int node = 0; node < nodes; node++) {
      int place = node;
      proxies.add(DelayProxyProcess.start(raftAddress(node), raftListen(node), command -> wrap(place, command),
          "the delay proxy of " + namespace(node)));
    }
    for (DelayProxyProcess proxy : proxies) {
      proxy.awaitListening(PROXY_START_TIMEOUT);
    }
  }

  /** Gives the bridge the address of the first free subnet from the run id's on, checked again once taken. */
  private int claimSubnet(String bridge) throws IOException {
    int first = Math.floorMod(runId.hashCode(), SUBNETS);
    for (int probe = 0; probe < SUBNETS; probe++) {
      int candidate = 1 + (first + probe) % SUBNETS;
      if (subnetUsed(candidate, bridge)) {
        continue;
      }
      String address = "10.77." + candidate + ".254/24";
      shell.ipOrThrow("addr", "add", address, "dev", bridge);
      if (!subnetUsed(candidate, bridge)) {
        return candidate;
      }
      // Another run took it at the same moment: leave it to them.
      shell.ip("addr", "del", address, "dev", bridge);
    }
    throw new IOException("every subnet 10.77.1.0/24 to 10.77." + SUBNETS + ".0/24 is in use");
  }

  private boolean subnetUsed(int candidate, String ownBridge) {
    String prefix = "10.77." + candidate + ".";
    for (String line : shell.ip("-4", "-o", "addr", "show").output().split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length > 3 && fields[2].equals("inet") && fields[3].startsWith(prefix)
          && !fields[1].equals(ownBridge)) {
        return true;
      }
    }
    for (String line : shell.ip("-4", "route", "show", "table", "all").output().split("\n")) {
      if (line.startsWith(prefix) && !line.contains(" dev " + ownBridge + " ")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean linkFaults() {
    return true;
  }

  @Override
  public String describe() {
    return nodes + " nodes in network namespaces kf" + runId + "-0.." + (nodes - 1) + " on bridge " + bridgeName()
        + " (10.77." + subnet + ".0/24): links can be cut, made lossy and slowed";
  }

  @Override
  public int size() {
    return nodes;
  }

  /** The node's own address on the bridge, {@code 10.77.X.(node+1)}. */
  public InetAddress nodeAddress(int node) {
    Objects.checkIndex(node, nodes);
    return ipv4(10, 77, subnet, node + 1);
  }

  /** The bridge's address in the root namespace, {@code 10.77.X.254}, from which the test's clients connect. */
  public InetAddress bridgeAddress() {
    return ipv4(10, 77, subnet, 254);
  }

  /** The namespace of node {@code node}, {@code kfR-node}. */
  public String namespace(int node) {
    Objects.checkIndex(node, nodes);
    return "kf" + runId + "-" + node;
  }

  private String bridgeName() {
    return "kfb" + runId;
  }

  @Override
  public InetSocketAddress raftAddress(int node) {
    return new InetSocketAddress(nodeAddress(node), RAFT_PORT);
  }

  @Override
  public InetSocketAddress raftListen(int node) {
    Objects.checkIndex(node, nodes);
    return new InetSocketAddress(ipv4(127, 0, 0, 1), RAFT_PORT);
  }

  @Override
  public InetSocketAddress respAddress(int node) {
    return new InetSocketAddress(nodeAddress(node), RESP_PORT);
  }

  @Override
  public List<String> wrap(int node, List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of(shell.ip(), "netns", "exec", namespace(node)));
    wrapped.addAll(command);
    return wrapped;
  }

  @Override
  public synchronized void cut(int from, int to) {
    checkLink(from, to);
    cut[from][to] = true;
    applyRules(to);
  }

  @Override
  public synchronized void loss(int from, int to, int percent) {
    checkLink(from, to);
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("loss must be 0..100 percent: " + percent);
    }
    lossPercent[from][to] = percent;
    applyRules(to);
  }

  /** {@inheritDoc} Both ways a Raft connection between the two can run, as the class comment says. */
  @Override
  public synchronized void delay(int from, int to, Duration delay) {
    checkLink(from, to);
    if (delay.isNegative() || delay.compareTo(DelayProxy.DELAY_MAX) > 0) {
      throw new IllegalArgumentException("delay must be in 0.." + DelayProxy.DELAY_MAX + ": " + delay);
    }
    long millis = delay.toMillis();
    try {
      proxies.get(to).send("in " + nodeAddress(from).getHostAddress() + " " + millis);
      proxies.get(from).send("out " + nodeAddress(to).getHostAddress() + " " + millis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void heal() {
    checkOpen();
    for (int to = 0; to < nodes; to++) {
      for (int from = 0; from < nodes; from++) {
        cut[from][to] = false;
        lossPercent[from][to] = 0;
      }
      applyRules(to);
    }
    try {
      for (DelayProxyProcess proxy : proxies) {
        proxy.send("clear");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the rules of node {@code to}'s input chain by those of the model, in one nft transaction. */
  private void applyRules(int to) {
    StringBuilder script = new StringBuilder("flush chain inet keelfault input\n");
    for (int from = 0; from < nodes; from++) {
      String rule = "add rule inet keelfault input ip saddr " + nodeAddress(from).getHostAddress();
      if (cut[from][to] || lossPercent[from][to] == 100) {
        script.append(rule).append(" drop\n");
      } else if (lossPercent[from][to] > 0) {
        script.append(rule).append(" numgen random mod 100 < ").append(lossPercent[from][to]).append(" drop\n");
      }
    }
    try {
      shell.nftScriptOrThrow(namespace(to), script.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void checkLink(int from, int to) {
    checkOpen();
    Objects.checkIndex(from, nodes);
    Objects.checkIndex(to, nodes);
    if (from == to) {
      throw new IllegalArgumentException("a link joins two different nodes: " + from + " to " + to);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the network is closed");
    }
  }

  /**
   * Ends the delay proxies, kills any process still in the namespaces (a node the harness did not
   * stop), and deletes the namespaces, veths, bridge and forward rules; idempotent. Faults cannot
   * be set afterwards.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    proxies.forEach(DelayProxyProcess::close);
    NetnsHost.removeLeftovers(shell, runId::equals);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down (perhaps this is the hook): nothing to unregister.
    }
  }

  private static InetAddress ipv4(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are an IPv4 address", e);
    }
  }
}

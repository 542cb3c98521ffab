package io.keel.fault;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every node on 127.0.0.1, each with ports of its own: the network when namespaces cannot be made.
 * Node i's Raft transport binds and is dialed at {@code basePort + i}, its RESP port is
 * {@code basePort + 100 + i}. Links cannot fail here, so only process faults are possible.
 */
public final class LoopbackNetwork implements Network {

  /** The most nodes, so that the Raft ports stay below the RESP ports. */
  public static final int NODES_MAX = 100;

  /** The lowest base port {@link #onFreePorts} draws. */
  public static final int BASE_PORT_MIN = 20_000;

  /** The highest base port {@link #onFreePorts} draws; with its RESP ports it stays below Linux's ephemeral range (32768). */
  public static final int BASE_PORT_MAX = 31_000;

  private static final InetAddress LOOPBACK = loopback();
  private static final int RESP_OFFSET = 100;
  private static final int DRAWS_MAX = 200;

  private final int nodes;
  private final int basePort;

  /** A network of {@code nodes} nodes whose ports start at {@code basePort}. */
  public LoopbackNetwork(int nodes, int basePort) {
    if (nodes < 1 || nodes > NODES_MAX) {
      throw new IllegalArgumentException("nodes must be in 1.." + NODES_MAX + ": " + nodes);
    }
    if (basePort < 1 || basePort + RESP_OFFSET + nodes - 1 > 65_535) {
      throw new IllegalArgumentException("ports from " + basePort + " do not fit below 65536");
    }
    this.nodes = nodes;
    this.basePort = basePort;
  }

  /**
   * A network of {@code nodes} nodes on a base port drawn at random in
   * {@value #BASE_PORT_MIN}..{@value #BASE_PORT_MAX} whose 2 &times; {@code nodes} ports are free
   * on 127.0.0.1 now; throws {@link IllegalStateException} when none was found in a few hundred draws.
   */
  public static LoopbackNetwork onFreePorts(int nodes) {
    LoopbackNetwork candidate = null;
    for (int draw = 0; draw < DRAWS_MAX; draw++) {
      candidate = new LoopbackNetwork(nodes, ThreadLocalRandom.current().nextInt(BASE_PORT_MIN, BASE_PORT_MAX + 1));
      if (candidate.portsFree()) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free ports for " + nodes + " nodes in " + DRAWS_MAX + " draws, the last from "
        + candidate.basePort);
  }

  private boolean portsFree() {
    for (int node = 0; node < nodes; node++) {
      if (!free(raftListen(node)) || !free(respAddress(node))) {
        return false;
      }
    }
    return true;
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are an IPv4 address", e);
    }
  }

  /** Whether a listening socket can be bound to {@code address} now. */
  static boolean free(InetSocketAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(address);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public boolean linkFaults() {
    return false;
  }

  @Override
  public String describe() {
    return nodes + " nodes on loopback (no network namespaces: process faults only)";
  }

  @Override
  public int size() {
    return nodes;
  }

  /** The first Raft port; node i's is this plus i, its RESP port this plus 100 plus i. */
  public int basePort() {
    return basePort;
  }

  @Override
  public InetSocketAddress raftAddress(int node) {
    return raftListen(node);
  }

  @Override
  public InetSocketAddress raftListen(int node) {
    Objects.checkIndex(node, nodes);
    return new InetSocketAddress(LOOPBACK, basePort + node);
  }

  @Override
  public InetSocketAddress respAddress(int node) {
    Objects.checkIndex(node, nodes);
    return new InetSocketAddress(LOOPBACK, basePort + RESP_OFFSET + node);
  }

  /** Returns {@code command} unchanged: every node runs on this host as it is. */
  @Override
  public List<String> wrap(int node, List<String> command) {
    Objects.checkIndex(node, nodes);
    return List.copyOf(command);
  }

  /** Unsupported on loopback: throws {@link UnsupportedOperationException}. */
  @Override
  public void cut(int from, int to) {
    throw unsupported("cut");
  }

  /** Unsupported on loopback: throws {@link UnsupportedOperationException}. */
  @Override
  public void loss(int from, int to, int percent) {
    throw unsupported("loss");
  }

  /** Unsupported on loopback: throws {@link UnsupportedOperationException}. */
  @Override
  public void delay(int from, int to, Duration delay) {
    throw unsupported("delay");
  }

  private static UnsupportedOperationException unsupported(String fault) {
    return new UnsupportedOperationException(fault + " needs network namespaces; on loopback links cannot fail");
  }

  /** Does nothing: no link is ever broken here. */
  @Override
  public void heal() {
    // Nothing to heal.
  }

  /** Does nothing: the network made nothing. */
  @Override
  public void close() {
    // Nothing to remove.
  }
}

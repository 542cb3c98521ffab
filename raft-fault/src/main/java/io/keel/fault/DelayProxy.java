package io.keel.fault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy that holds data back, the delay half of {@link NamespaceNetwork} (the kernel here
 * has no netem). It accepts connections on a listen address, dials the target for each, and pumps
 * both directions. A connection's <em>remote address</em> is the address of the client that dialed
 * the proxy. Bytes flowing from the client to the target (<em>inbound</em>) are held back by the
 * inbound delay set for the remote address; bytes flowing from the target back to the client
 * (<em>outbound</em>) by the outbound delay set for it. Bytes read at time t are written at t plus
 * the delay in force when they were read, in order: when a delay shrinks, newer bytes still wait
 * behind older ones. At most {@value #HELD_BYTES_MAX} bytes are held back per direction of a
 * connection; beyond that the proxy stops reading from that side until they drain.
 *
 * <p>As a process ({@link #main}) it is controlled through standard input, one command a line:
 * {@code in <ip> <ms>}, {@code out <ip> <ms>} and {@code clear} (every delay back to zero); it
 * answers each with one line on standard output, {@code ok} or {@code error <why>}. Its first line is
 * {@code listening <host:port>} (or {@code error <why>} if it cannot bind), and it exits when
 * standard input closes, so it dies with the process that started it.
 */
public final class DelayProxy implements AutoCloseable {

  /** The most bytes held back on one direction of one connection. */
  public static final int HELD_BYTES_MAX = 64 << 20;

  /** The longest delay a command may set, one hour. */
  public static final Duration DELAY_MAX = Duration.ofHours(1);

  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final int heldBytesMax;
  private final Map<InetAddress, Long> inboundDelayNanos = new ConcurrentHashMap<>();
  private final Map<InetAddress, Long> outboundDelayNanos = new ConcurrentHashMap<>();
  private final Set<DelayPump.Link> links = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private DelayProxy(ServerSocket server, InetSocketAddress target, int heldBytesMax) {
    this.server = server;
    this.target = target;
    this.heldBytesMax = heldBytesMax;
  }

  /** Binds {@code listen} and starts forwarding every connection accepted there to {@code target}. */
  public static DelayProxy start(InetSocketAddress listen, InetSocketAddress target) throws IOException {
    return start(listen, target, HELD_BYTES_MAX);
  }

  /** Like {@link #start(InetSocketAddress, InetSocketAddress)} with another bound on held-back bytes (for tests). */
  static DelayProxy start(InetSocketAddress listen, InetSocketAddress target, int heldBytesMax) throws IOException {
    if (heldBytesMax <= 0) {
      throw new IllegalArgumentException("heldBytesMax must be positive: " + heldBytesMax);
    }
    ServerSocket server = new ServerSocket();
    try {
      server.setReuseAddress(true);
      server.bind(listen);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    DelayProxy proxy = new DelayProxy(server, target, heldBytesMax);
    Thread acceptor = new Thread(proxy::acceptLoop, "delay-proxy-accept " + listen);
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  /** The address the proxy listens on (with the real port when it was asked to bind port 0). */
  public InetSocketAddress listenAddress() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** Sets the delay of bytes from clients at {@code remote} to the target (zero for none). */
  public void setInboundDelay(InetAddress remote, Duration delay) {
    put(inboundDelayNanos, remote, delay);
  }

  /** Sets the delay of bytes from the target to clients at {@code remote} (zero for none). */
  public void setOutboundDelay(InetAddress remote, Duration delay) {
    put(outboundDelayNanos, remote, delay);
  }

  /** Sets every delay, both directions, back to zero. */
  public void clearDelays() {
    inboundDelayNanos.clear();
    outboundDelayNanos.clear();
  }

  /** Runs one control command ({@code in <ip> <ms>}, {@code out <ip> <ms>}, {@code clear}); returns its answer line. */
  public String command(String line) {
    String[] words = line.trim().split("\\s+");
    try {
      if (words.length == 1 && words[0].equals("clear")) {
        clearDelays();
        return "ok";
      }
      if (words.length == 3 && (words[0].equals("in") || words[0].equals("out"))) {
        InetAddress remote = InetAddress.getByName(words[1]);
        Duration delay = Duration.ofMillis(Long.parseLong(words[2]));
        put(words[0].equals("in") ? inboundDelayNanos : outboundDelayNanos, remote, delay);
        return "ok";
      }
      return "error unknown command: " + line.trim();
    } catch (IOException | IllegalArgumentException e) {
      return "error " + e.getMessage();
    }
  }

  /** The bytes held back now, over every connection and both directions. */
  long heldBytes() {
    return links.stream().mapToLong(DelayPump.Link::heldBytes).sum();
  }

  /** Stops accepting and closes every connection; bytes still held back are dropped. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // Closing is all that is left to do with it.
    }
    links.forEach(DelayPump.Link::close);
  }

  private static void put(Map<InetAddress, Long> delays, InetAddress remote, Duration delay) {
    if (delay.isNegative() || delay.compareTo(DELAY_MAX) > 0) {
      throw new IllegalArgumentException("delay " + delay + " is outside 0.." + DELAY_MAX);
    }
    if (delay.isZero()) {
      delays.remove(remote);
    } else {
      delays.put(remote, delay.toNanos());
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          // Not a close: the socket is broken (out of descriptors, say) and cannot accept again.
          System.err.println("delay proxy: accept failed, no new connections: " + e);
        }
        return;
      }
      open(client);
    }
  }

  private void open(Socket client) {
    Socket upstream = new Socket();
    DelayPump.Link link = new DelayPump.Link(client, upstream, links::remove);
    links.add(link);
    if (closed) {
      link.close();
      return;
    }
    try {
      upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
    } catch (IOException e) {
      // The target is not up (its node is down, say): the client sees its connection closed.
      link.close();
      return;
    }
    InetAddress remote = ((InetSocketAddress) client.getRemoteSocketAddress()).getAddress();
    DelayPump.start(link, client, upstream, () -> inboundDelayNanos.getOrDefault(remote, 0L), heldBytesMax,
        "in " + remote.getHostAddress());
    DelayPump.start(link, upstream, client, () -> outboundDelayNanos.getOrDefault(remote, 0L), heldBytesMax,
        "out " + remote.getHostAddress());
  }

  /**
   * Runs the proxy as a process: {@code DelayProxy <listen host:port> <target host:port>}, controlled
   * through standard input as the class comment says.
   */
  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length != 2) {
      out.println("error usage: DelayProxy <listen host:port> <target host:port>");
      System.exit(2);
    }
    DelayProxy proxy;
    try {
      proxy = start(socketAddress(args[0]), socketAddress(args[1]));
    } catch (IOException | IllegalArgumentException e) {
      out.println("error cannot listen on " + args[0] + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    InetSocketAddress listening = proxy.listenAddress();
    out.println("listening " + listening.getAddress().getHostAddress() + ":" + listening.getPort());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.isBlank()) {
        out.println(proxy.command(line));
      }
    }
    proxy.close();
    System.exit(0);
  }

  /** Parses {@code host:port}, the host an IP literal (an IPv6 literal in brackets). */
  static InetSocketAddress socketAddress(String text) throws IOException {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("not host:port: " + text);
    }
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(text.substring(colon + 1));
    return new InetSocketAddress(InetAddress.getByName(host), port);
  }
}

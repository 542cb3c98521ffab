package io.keel.transport.netty;

import io.keel.raft.Configuration;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.Message;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.MessageReceiver;
import io.keel.raft.runtime.PeerNetwork;
import io.keel.transport.netty.tls.TlsConfig;
import io.keel.transport.netty.wire.Frame;
import io.keel.transport.netty.wire.FrameDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link PeerNetwork}: Raft messages of every group over one TCP connection per pair
 * of nodes, with epoll where available (NIO otherwise), a versioned length-prefixed binary codec, a
 * handshake that checks the cluster id and both node ids, optional mutual TLS, bounded outbound
 * queues per peer (what does not fit is dropped and counted: Raft retransmits), write coalescing,
 * and reconnects with jittered exponential backoff.
 *
 * <p>Of two nodes, the one with the smaller id dials and the other accepts; both then send over
 * the same connection. Incoming messages go to the {@link MessageReceiver} (a
 * {@link io.keel.raft.runtime.RaftRuntime}) from Netty's I/O threads.
 *
 * <p>Peers come from the builder and {@link #addPeer}, and from the groups' configurations
 * ({@link #onConfiguration}): a member whose configuration gives it an address becomes a peer, and
 * stops being one when no group's configuration names it any more.
 *
 * <p>Without TLS the handshake checks ids but cannot prove them: anyone who reaches the port can
 * claim to be a configured peer that is not connected at the moment. With mutual TLS every
 * connection proves its node id. Either way a connection whose peer sends a message a group finds
 * impossible ({@link #onImpossibleMessage}) is closed. Warnings about connections are rate-limited
 * per kind, to one line per 10 s.
 */
public final class NettyTransport implements PeerNetwork, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);

  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);

  /** At most one WARN line per kind of connection problem per this many seconds. */
  static final int WARN_INTERVAL_SECONDS = 10;

  private final NodeId self;
  private final String clusterId;
  private final TransportOptions options;
  private final MessageReceiver receiver;
  private final SslContext serverTls;
  private final SslContext clientTls;
  private final boolean epoll;
  private final EventLoopGroup ioThreads;
  private final Bootstrap dialer;
  /** The link to each peer, and who owns it. */
  private final PeerTable peers = new PeerTable(this);
  private final LongAdder droppedUnknownPeer = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder violations = new LongAdder();
  private final LongAdder unauthenticatedBytes = new LongAdder();
  private final RateLimitedLog<ConnectionWarning> warnings = new RateLimitedLog<>(ConnectionWarning.class,
      TimeUnit.SECONDS.toNanos(WARN_INTERVAL_SECONDS), System::nanoTime, LOG::warn);
  private volatile String lastRefusal;
  private volatile boolean running = true;
  private volatile boolean cutOff;
  private Channel server;

  private NettyTransport(Builder builder) {
    this.self = builder.self;
    this.clusterId = builder.clusterId;
    this.options = builder.options;
    this.receiver = builder.receiver;
    this.serverTls = builder.tls == null ? null : builder.tls.serverContext();
    this.clientTls = builder.tls == null ? null : builder.tls.clientContext();
    this.epoll = options.nativeTransport() && Epoll.isAvailable();
    DefaultThreadFactory threads = new DefaultThreadFactory("keel-" + self + "-io", true);
    this.ioThreads = epoll
        ? new EpollEventLoopGroup(options.ioThreads(), threads)
        : new NioEventLoopGroup(options.ioThreads(), threads);
    this.dialer = new Bootstrap()
        .group(ioThreads)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis());
  }

  /** A builder for node {@code self}'s transport. */
  public static Builder builder(NodeId self) {
    return new Builder(Objects.requireNonNull(self, "self"));
  }

  private void bind(InetSocketAddress listen) throws IOException {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(ioThreads)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            if (cutOff || !running) {
              channel.close();
              return;
            }
            pipeline(channel, null);
          }
        });
    ChannelFuture bound = bootstrap.bind(listen).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      ioThreads.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException(self + ": cannot listen on " + listen + ": " + bound.cause().getMessage(), bound.cause());
    }
    server = bound.channel();
    LOG.info("{}: listening on {} ({}{})", self, server.localAddress(), epoll ? "epoll" : "nio",
        serverTls != null ? ", mutual TLS" : "");
  }

  /** Builds the handlers of a connection; {@code dialed} is null for one a peer opened. */
  private void pipeline(SocketChannel channel, PeerLink dialed) {
    InboundByteCounter counter = new InboundByteCounter(this);
    FrameDecoder decoder = new FrameDecoder(options.handshakeFrameBytes());
    channel.pipeline().addLast("bytes-in", counter);
    boolean tls = serverTls != null;
    if (tls) {
      SslContext context = dialed == null ? serverTls : clientTls;
      channel.pipeline().addLast("tls", context.newHandler(channel.alloc()));
    }
    channel.pipeline().addLast("frames", decoder);
    channel.pipeline().addLast("keel", dialed == null
        ? ConnectionHandler.accepting(this, decoder, counter, tls)
        : ConnectionHandler.dialing(this, dialed, decoder, counter, tls));
  }

  // ---------------------------------------------------------------- PeerNetwork

  /** Queues {@code message} for {@code to}; drops and counts it if that is not possible now. */
  @Override
  public void send(GroupId group, NodeId to, Message message) {
    PeerLink link = peers.link(to);
    if (link == null) {
      droppedUnknownPeer.increment();
      if (peers.noteUnknown(to)) {
        LOG.warn("{}: group {} sends to {}, which has no address among this transport's peers: its messages "
            + "are dropped until it is added (Builder.peer, addPeer, or an address in a configuration)", self, group,
            to);
      }
      return;
    }
    link.send(group, message);
  }

  /**
   * Group {@code group} refused a message from {@code peer} as impossible: closes the peer's
   * connection (a correct peer reconnects; the dialer side redials it), counts it in
   * {@link PeerStats#impossibleMessages()} and logs it, rate-limited. Runs on the group's event
   * thread and never blocks: the close happens on the connection's I/O thread.
   */
  @Override
  public void onImpossibleMessage(GroupId group, NodeId peer, String reason) {
    PeerLink link = peers.link(peer);
    boolean closed = link != null && link.closeForImpossibleMessage(group, reason);
    warn(ConnectionWarning.IMPOSSIBLE_MESSAGE, self + ": group " + group + " refused a message from " + peer
        + " as impossible (" + reason + "); " + (closed ? "closed its connection" : "it has no connection to close"));
  }

  /**
   * Refuses a group whose largest AppendEntries this transport could not carry: one command of
   * {@code maxCommandBytes}, or entries filling {@code maxBytesPerAppend}, plus the codec's framing,
   * must fit {@code maxFrameBytes} and the outbound queue's {@code outboundQueueBytes}.
   *
   * @throws IllegalArgumentException naming the group's setting and the transport's that disagree
   */
  @Override
  public void checkGroup(GroupOptions<?> group) {
    GroupLimits.check(self, group, options);
    List<NodeId> unaddressed = group.voters().stream()
        .filter(voter -> !voter.equals(self) && peers.link(voter) == null).sorted().toList();
    if (!unaddressed.isEmpty()) {
      LOG.warn("{}: group {} has voters with no address among this transport's peers, {}: it cannot reach "
          + "them until they are added (Builder.peer, addPeer, or an address in the group's configuration), and "
          + "may never elect a leader", self, group.group(), unaddressed);
    }
  }

  /**
   * Group {@code group}'s configuration is now {@code configuration}: adds as peers its members
   * that carry an address ({@code host:port}, IPv6 as {@code [address]:port}) and that this
   * transport has no link to, or one to another address; removes the peers configurations added
   * that no group's configuration names any more (peers of the builder or {@link #addPeer} stay).
   * An address that does not parse is skipped, and a member with neither an address nor a link
   * reported, both in a rate-limited warning. Runs on the group's event thread, for any number of
   * groups at once; never blocks or throws: new peers are dialed from an I/O thread.
   */
  @Override
  public void onConfiguration(GroupId group, Configuration configuration) {
    peers.onConfiguration(group, configuration);
  }

  /**
   * {@link Reachability#CONNECTED} if an authenticated connection to {@code peer} is open,
   * {@link Reachability#DISCONNECTED} if {@code peer} has an address but no open connection (being
   * dialed, or waiting to be), {@link Reachability#NO_ADDRESS} if it is no peer of this transport,
   * and {@link Reachability#UNKNOWN} for this node itself.
   */
  @Override
  public Reachability reachability(NodeId peer) {
    if (peer.equals(self)) {
      return Reachability.UNKNOWN;
    }
    PeerLink link = peers.link(peer);
    if (link == null) {
      return Reachability.NO_ADDRESS;
    }
    return link.connectedAndOpen() ? Reachability.CONNECTED : Reachability.DISCONNECTED;
  }

  // ---------------------------------------------------------------- peers

  /**
   * Adds (or re-addresses) a peer; this side dials it at once if its id is the smaller. The peer
   * stays until {@link #removePeer}, whatever the groups' configurations say.
   */
  public void addPeer(NodeId peer, InetSocketAddress address) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(address, "address");
    if (peer.equals(self)) {
      throw new IllegalArgumentException("a node is not its own peer: " + peer);
    }
    peers.addByUser(peer, address);
  }

  /** Forgets a peer and closes its connection. */
  public void removePeer(NodeId peer) {
    peers.removeByUser(peer);
  }

  /** The address the transport listens on (useful when it was asked for port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Whether Linux epoll is in use (NIO otherwise). */
  public boolean usesEpoll() {
    return epoll;
  }

  /** Whether an authenticated connection to {@code peer} is open. */
  public boolean isConnected(NodeId peer) {
    PeerLink link = peers.link(peer);
    return link != null && link.connected();
  }

  /**
   * Cuts this node off the network, for fault tests: closes every connection and refuses new
   * ones until called again with {@code false}, which reconnects at once.
   */
  public void setCutOff(boolean cut) {
    this.cutOff = cut;
    for (PeerLink link : peers.all()) {
      if (cut) {
        link.disconnect();
      } else {
        link.connect();
      }
    }
  }

  /** The transport's counters now. */
  public TransportStats stats() {
    List<PeerStats> links = new ArrayList<>();
    for (PeerLink link : peers.all()) {
      links.add(link.stats());
    }
    links.sort((a, b) -> a.peer().compareTo(b.peer()));
    return new TransportStats(links, refused.sum(), violations.sum(), unauthenticatedBytes.sum(),
        Optional.ofNullable(lastRefusal), peers.unknownPeers());
  }

  /** Messages dropped because they were addressed to a node that is not a configured peer. */
  public long droppedForUnknownPeer() {
    return droppedUnknownPeer.sum();
  }

  /** Closes every connection and stops the I/O threads; waits up to a few seconds. */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    for (PeerLink link : peers.all()) {
      link.remove();
    }
    if (server != null) {
      server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    ioThreads.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- for links and handlers

  NodeId self() {
    return self;
  }

  String clusterId() {
    return clusterId;
  }

  TransportOptions options() {
    return options;
  }

  MessageReceiver receiver() {
    return receiver;
  }

  boolean isRunning() {
    return running;
  }

  boolean isCutOff() {
    return cutOff;
  }

  EventLoop scheduler() {
    return ioThreads.next();
  }

  PeerLink link(NodeId peer) {
    return peers.link(peer);
  }

  ChannelFuture dial(PeerLink link) {
    return dialer.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        pipeline(channel, link);
      }
    }).connect(link.address);
  }

  /** Logs {@code line} at WARN unless a line of {@code kind} was logged within the interval. */
  void warn(ConnectionWarning kind, String line) {
    warnings.log(kind, line);
  }

  void noteRefusal(String reason) {
    refused.increment();
    lastRefusal = reason;
  }

  void noteViolation(String reason) {
    violations.increment();
    lastRefusal = reason;
  }

  void countUnauthenticatedBytes(int bytes) {
    unauthenticatedBytes.add(bytes);
  }

  /** Collects a transport's settings; {@link #start()} validates them, listens, and dials peers. */
  public static final class Builder {
    private final NodeId self;
    private String clusterId;
    private InetSocketAddress listen;
    private final List<NodeId> peerIds = new ArrayList<>();
    private final List<InetSocketAddress> peerAddresses = new ArrayList<>();
    private MessageReceiver receiver;
    private TlsConfig tls;
    private TransportOptions options = TransportOptions.defaults();

    private Builder(NodeId self) {
      this.self = self;
    }

    /** The cluster's name, checked in every handshake: 1–64 letters, digits, '.', '_', '-'. */
    public Builder clusterId(String clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    /** Where to listen (port 0 picks a free one: see {@link NettyTransport#localAddress()}). */
    public Builder listen(InetSocketAddress listen) {
      this.listen = listen;
      return this;
    }

    /**
     * A peer and its address: each peer once, never this node itself ({@link #start} refuses
     * both). More can be added after start with {@link NettyTransport#addPeer}.
     */
    public Builder peer(NodeId peer, InetSocketAddress address) {
      peerIds.add(peer);
      peerAddresses.add(address);
      return this;
    }

    /** Where incoming messages go: usually the node's {@link io.keel.raft.runtime.RaftRuntime}. */
    public Builder receiver(MessageReceiver receiver) {
      this.receiver = receiver;
      return this;
    }

    /** Turns on mutual TLS with these certificates; off by default. */
    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    /** The tunables; {@link TransportOptions#defaults()} if not set. */
    public Builder options(TransportOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Checks every setting, then listens and dials the peers this node dials. Nothing is bound
     * and no thread is started unless every setting is valid.
     *
     * @throws IOException if the address cannot be bound
     * @throws IllegalArgumentException if a setting is missing or invalid, naming it
     */
    public NettyTransport start() throws IOException {
      validate();
      NettyTransport transport = new NettyTransport(this);
      transport.bind(listen);
      try {
        for (int i = 0; i < peerIds.size(); i++) {
          transport.addPeer(peerIds.get(i), peerAddresses.get(i));
        }
      } catch (RuntimeException e) {
        transport.close();
        throw e;
      }
      return transport;
    }

    private void validate() {
      if (clusterId == null) {
        throw new IllegalArgumentException("clusterId is required");
      }
      new Frame.HelloAck(clusterId, self); // validates the cluster id, naming it
      if (listen == null) {
        throw new IllegalArgumentException("listen address is required");
      }
      if (receiver == null) {
        throw new IllegalArgumentException("receiver is required");
      }
      Set<NodeId> seen = new HashSet<>();
      for (int i = 0; i < peerIds.size(); i++) {
        NodeId peer = peerIds.get(i);
        if (peer == null || peerAddresses.get(i) == null) {
          throw new IllegalArgumentException("peer " + (i + 1) + ": both the node id and the address are required, got "
              + peer + " at " + peerAddresses.get(i));
        }
        if (peer.equals(self)) {
          throw new IllegalArgumentException("peer " + peer + " is this node itself; list only the other nodes");
        }
        if (!seen.add(peer)) {
          throw new IllegalArgumentException("peer " + peer + " is listed twice");
        }
      }
    }
  }
}

package io.keel.kv.server;

import io.keel.kv.config.KvConfig;
import io.keel.kv.config.StateMachineKind;
import io.keel.kv.http.HttpApi;
import io.keel.kv.http.HttpServer;
import io.keel.kv.http.KvMetrics;
import io.keel.kv.resp.RespCommands;
import io.keel.kv.resp.RespServer;
import io.keel.kv.resp.RespStats;
import io.keel.kv.rocks.CheckpointSnapshotStore;
import io.keel.kv.rocks.RocksDbSettings;
import io.keel.kv.rocks.RocksDbStateMachine;
import io.keel.kv.store.KvCodec;
import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvResult;
import io.keel.kv.store.KvState;
import io.keel.kv.store.KvStore;
import io.keel.raft.NodeId;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.runtime.RaftRuntime;
import io.keel.raft.runtime.SnapshotStoreFactory;
import io.keel.raft.session.SessionStateMachine;
import io.keel.raft.snapshot.SnapshotPolicy;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.raft.storage.file.FileSnapshotStore;
import io.keel.raft.storage.file.FileSnapshotStoreOptions;
import io.keel.transport.netty.NettyTransport;
import io.keel.transport.netty.TransportOptions;
import io.keel.transport.netty.tls.TlsConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the key-value service: a Raft runtime hosting a replica of each of the service's
 * groups on one transport, the RESP and HTTP ports that serve clients, and the background work that
 * announces this node's client addresses and spreads the groups' leaders over the nodes.
 * {@link #start} brings it all up from a {@link KvConfig}; {@link #close} stops it, and a node
 * started again on the same data directory finds its data there.
 */
public final class KvNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KvNode.class);
  /** How long a write or a read may try before it is answered with an error. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final KvConfig config;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final List<ShardReplica> replicas = new ArrayList<>();
  private final ScheduledExecutorService timers;
  private final EventLoopGroup clientLoops;
  private RaftRuntime runtime;
  private NettyTransport transport;
  private KvService service;
  private ClusterAdmin admin;
  private RespServer resp;
  private HttpServer http;
  private final KvMetrics metrics = new KvMetrics();
  /** The groups' persistent state machines, closed after the runtime; empty with {@code state-machine = memory}. */
  private final List<RocksDbStateMachine> stores = new ArrayList<>();
  private RocksDbSettings rocksDb;
  private final CompletableFuture<Void> announced = new CompletableFuture<>();
  private volatile boolean announcing;

  private KvNode(KvConfig config) {
    this.config = config;
    this.timers = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("keel-kv-timers", true));
    this.clientLoops = new NioEventLoopGroup(2, new DefaultThreadFactory("keel-kv-clients", true));
  }

  /**
   * Starts the node that {@code config} describes.
   *
   * @throws IOException if its data cannot be opened or a port cannot be bound; whatever was
   *     started by then is stopped again
   */
  public static KvNode start(KvConfig config) throws IOException {
    KvNode node = new KvNode(config);
    try {
      node.open();
      return node;
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
  }

  private void open() throws IOException {
    Shards shards = new Shards(config.groups());
    DataLayout.check(config.dataDir(), config.groups(), config.stateMachine());
    runtime = RaftRuntime.builder(config.nodeId()).build();
    transport = startTransport();
    Forwarder forwarder = new Forwarder(clientLoops, node -> replicas.get(0).store().member(node.value()),
        new KvCodec(config.limits()), Duration.ofSeconds(2), Duration.ofSeconds(5));
    opened.add(forwarder);
    for (int i = 0; i < shards.count(); i++) {
      replicas.add(startReplica(shards, i, forwarder));
    }
    service = new KvService(config.nodeId(), shards, replicas, config.writeForwarding());
    admin = new ClusterAdmin(config.nodeId(), replicas, forwarder, REQUEST_TIMEOUT.toMillis(),
        config.raftConfig().catchUpTimeout().toMillis());
    RespCommands commands = new RespCommands(service, admin, metrics, maxArgumentBytes());
    resp = RespServer.start(config.respListen(), clientLoops, commands, maxArgumentBytes(),
        2 * config.maxKeysPerCommand() + 16, config.maxClients(), config.readMode());
    opened.add(resp);
    metrics.watch(this);
    if (config.httpListen().isPresent()) {
      http = HttpServer.start(config.httpListen().get(), clientLoops, new HttpApi(this, metrics),
          (int) Math.min(Integer.MAX_VALUE - 1024, maxArgumentBytes() + 1024));
      opened.add(http);
    }
    LeaderBalancer balancer = new LeaderBalancer(config.nodeId(), replicas);
    timers.scheduleWithFixedDelay(() -> guarded("balancing leaders", balancer::step), 3, 3, TimeUnit.SECONDS);
    timers.scheduleWithFixedDelay(() -> guarded("announcing", this::announce), 0, 1, TimeUnit.SECONDS);
    LOG.info("{} serves RESP on {} over {} group(s)", config.nodeId(), resp.localAddress(), shards.count());
  }

  private NettyTransport startTransport() throws IOException {
    int frame = (int) Math.min(1L << 30, Math.max(16L << 20, maxCommandBytes() + (1L << 20)));
    TransportOptions options = TransportOptions.defaults().withMaxFrameBytes(frame)
        .withOutboundQueue(8192, Math.max(64L << 20, 2L * frame));
    NettyTransport.Builder builder = NettyTransport.builder(config.nodeId()).clusterId(config.clusterId())
        .listen(config.raftListen()).receiver(runtime).options(options);
    config.members().forEach((peer, address) -> {
      if (!peer.equals(config.nodeId())) {
        builder.peer(peer, address);
      }
    });
    config.tls().ifPresent(files -> builder.tls(TlsConfig.fromPem(files.certificate(), files.privateKey(),
        files.trustedCertificates())));
    NettyTransport started = builder.start();
    opened.add(started);
    return started;
  }

  private ShardReplica startReplica(Shards shards, int index, Forwarder forwarder) throws IOException {
    Path dir = config.dataDir().resolve(shards.id(index).value());
    SessionStateMachine<KvResult> machine;
    KvState state;
    if (config.stateMachine() == StateMachineKind.ROCKSDB) {
      RocksDbStateMachine rocks = RocksDbStateMachine.open(dir.resolve("state"), rocksDbSettings(), config.limits());
      stores.add(rocks);
      machine = rocks.inSessions(config.sessionLimits());
      state = rocks;
    } else {
      machine = KvStore.inSessions(config.limits(), config.sessionLimits());
      state = (KvStore) machine.inner();
    }
    ShardReplica replica = new ShardReplica(index, config.nodeId(), state, new KvCodec(config.limits()), forwarder,
        timers, REQUEST_TIMEOUT);
    GroupOptions.Builder<KvResult> options = GroupOptions.<KvResult>builder(shards.id(index))
        .config(config.raftConfig())
        .fileLog(dir.resolve("log"), FileLogStoreOptions.defaults())
        .snapshots(snapshotStore(dir.resolve("snapshots")),
            new SnapshotPolicy(config.snapshotEveryEntries(), 256L << 20, Duration.ofSeconds(10)))
        .stateMachine(machine)
        .network(transport)
        .listener(replica::statusChanged)
        .maxCommandBytes(maxCommandBytes());
    if (config.join()) {
      options.join();
    } else {
      options.voters(new ArrayList<>(config.members().keySet()));
    }
    RaftGroup<KvResult> group = runtime.startGroup(options.build());
    replica.started(group);
    return replica;
  }

  /** A group's snapshots: RocksDB checkpoints kept as linked files, or the map's records in one file. */
  private SnapshotStoreFactory snapshotStore(Path dir) {
    if (config.stateMachine() == StateMachineKind.ROCKSDB) {
      return () -> CheckpointSnapshotStore.open(dir);
    }
    return () -> FileSnapshotStore.open(dir, FileSnapshotStoreOptions.defaults());
  }

  /** The RocksDB memory and options every group of this node shares, made on first use. */
  private RocksDbSettings rocksDbSettings() {
    if (rocksDb == null) {
      long bytes = (long) config.rocksdbCacheMb() << 20;
      rocksDb = new RocksDbSettings(bytes, bytes / 4);
    }
    return rocksDb;
  }

  /** The largest command a group takes: a value, a key and the session's and codec's framing. */
  private int maxCommandBytes() {
    return (int) Math.min(512L << 20, (long) config.maxValueBytes() + config.maxKeyBytes() + 4096);
  }

  private long maxArgumentBytes() {
    return Math.max(config.maxValueBytes(), config.maxKeyBytes());
  }

  /** Writes where this node's clients connect into group 0, once, and again if what is there differs. */
  private void announce() {
    KvCommand.Announce mine = new KvCommand.Announce(config.nodeId().value(),
        Addresses.format(advertised(resp.localAddress())),
        http == null ? "" : Addresses.format(advertised(http.localAddress())));
    Optional<KvCommand.Announce> known = replicas.get(0).store().member(config.nodeId().value());
    if (known.isPresent() && known.get().equals(mine)) {
      announced.complete(null);
      return;
    }
    if (replicas.get(0).leader().isEmpty() || announcing) {
      return;
    }
    announcing = true; // one announcement at a time; the timer thread must never wait for a write
    replicas.get(0).write(mine).whenComplete((result, failure) -> announcing = false);
  }

  /** {@code bound}, with the host peers reach this node by when it is bound to every interface. */
  private InetSocketAddress advertised(InetSocketAddress bound) {
    if (!bound.getAddress().isAnyLocalAddress()) {
      return bound;
    }
    InetSocketAddress raft = config.members().getOrDefault(config.nodeId(), config.raftListen());
    return new InetSocketAddress(raft.getHostString(), bound.getPort());
  }

  private static void guarded(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.debug("{} failed, will try again: {}", what, e.toString());
    }
  }

  /** The node's configuration. */
  public KvConfig config() {
    return config;
  }

  /** What the client ports ask of the node. */
  public KvService service() {
    return service;
  }

  /** Membership and leadership of the groups. */
  public ClusterAdmin admin() {
    return admin;
  }

  /** The Raft runtime hosting the groups. */
  public RaftRuntime runtime() {
    return runtime;
  }

  /** The transport between the nodes. */
  public NettyTransport transport() {
    return transport;
  }

  /** The address of the HTTP port, if it is on. */
  public Optional<InetSocketAddress> httpAddress() {
    return http == null ? Optional.empty() : Optional.of(http.localAddress());
  }

  /** The node's metrics, as {@code GET /metrics} serves them. */
  public KvMetrics metrics() {
    return metrics;
  }

  /** The RESP port's counters. */
  public RespStats respStats() {
    return resp.stats();
  }

  /** The address of the RESP port. */
  public InetSocketAddress respAddress() {
    return resp.localAddress();
  }

  /** Completes once this node's client address is known to the cluster, so that other nodes can forward to it. */
  public CompletableFuture<Void> announced() {
    return announced;
  }

  /** Stops the ports, the groups (logs closed cleanly) and the threads; idempotent. */
  @Override
  public void close() {
    timers.shutdownNow();
    for (int i = opened.size() - 1; i >= 0; i--) {
      AutoCloseable resource = opened.get(i);
      if (resource instanceof NettyTransport) {
        if (runtime != null) {
          runtime.close(); // the groups stop before the transport they send on
        }
      }
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", resource, e.toString());
      }
    }
    opened.clear();
    if (runtime != null) {
      runtime.close();
    }
    for (int i = stores.size() - 1; i >= 0; i--) {
      stores.get(i).close(); // after the groups: nothing applies to a store once it is closed
    }
    stores.clear();
    if (rocksDb != null) {
      rocksDb.close();
      rocksDb = null;
    }
    clientLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}

package io.keel.raft.runtime;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.metrics.LatencyHistogram;
import io.keel.raft.metrics.LatencySnapshot;
import io.keel.raft.message.Message;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pure Raft core on real threads for one node of one or many Raft groups (multi-raft).
 *
 * <p>Each group is pinned to one of the runtime's event threads, which serializes all of that
 * group's events: messages from the network, storage reports, proposals and timer expiries, timed
 * by a monotonic clock. Committed commands are applied on a separate apply thread per group (from a
 * shared pool), where proposal futures complete too, so neither a slow state machine nor a
 * user's callback stalls heartbeats. The runtime is the {@link MessageReceiver} of the network:
 * it routes each incoming message to its group. No lock is held across I/O.
 *
 * <pre>{@code
 * RaftRuntime runtime = RaftRuntime.builder(NodeId.of("n1")).build();
 * NettyTransport transport = ... .receiver(runtime) ... ;
 * RaftGroup<String> kv = runtime.startGroup(GroupOptions.<String>builder(GroupId.of("kv"))
 *     .voters(List.of(n1, n2, n3)).fileLog(dir, FileLogStoreOptions.defaults())
 *     .stateMachine(myStateMachine).network(transport).build());
 * kv.propose(bytes).thenAccept(...);
 * }</pre>
 */
public final class RaftRuntime implements MessageReceiver, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RaftRuntime.class);

  /** The most event threads or apply threads a runtime accepts. */
  public static final int MAX_THREADS = 256;

  private final NodeId node;
  private final EventLoop[] loops;
  private final ExecutorService applyPool;
  /** Writes snapshots, one at a time per group, while applying goes on. */
  private final ExecutorService snapshotPool;
  private final Map<GroupId, GroupRunner<?>> groups = new ConcurrentHashMap<>();
  private final LongAdder droppedForUnknownGroup = new LongAdder();
  private final LatencyHistogram timerLateness = new LatencyHistogram();
  private final SecureRandom seeds = new SecureRandom();
  private final long stopTimeoutMillis;
  private boolean closed;

  private RaftRuntime(Builder builder) {
    this.node = builder.node;
    this.stopTimeoutMillis = builder.stopTimeoutMillis;
    String prefix = "keel-" + node;
    this.loops = new EventLoop[builder.eventThreads];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new EventLoop(prefix + "-event-" + i, builder.clock, timerLateness);
      loops[i].start();
    }
    AtomicInteger applyThreads = new AtomicInteger();
    this.applyPool = Executors.newFixedThreadPool(builder.applyThreads, task -> {
      Thread thread = new Thread(task, prefix + "-apply-" + applyThreads.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    });
    AtomicInteger snapshotThreads = new AtomicInteger();
    this.snapshotPool = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, prefix + "-snapshot-" + snapshotThreads.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** A builder for the runtime of node {@code node}. */
  public static Builder builder(NodeId node) {
    return new Builder(Objects.requireNonNull(node, "node"));
  }

  /** This node's id, the same in every group it runs. */
  public NodeId node() {
    return node;
  }

  /**
   * Opens the group's log, starts its node as a follower and returns its handle. The log is opened
   * on the calling thread (recovery may read the whole log).
   *
   * @throws IOException if the log cannot be opened
   * @throws IllegalStateException if the group already runs here or the runtime is closed
   * @throws IllegalArgumentException if the options do not fit this node (e.g. it is not a voter)
   *     or its network ({@link PeerNetwork#checkGroup}); nothing is opened or created then
   */
  public synchronized <R> RaftGroup<R> startGroup(GroupOptions<R> options) throws IOException {
    Objects.requireNonNull(options, "options");
    if (closed) {
      throw new IllegalStateException("the runtime of " + node + " is closed");
    }
    if (groups.containsKey(options.group())) {
      throw new IllegalStateException("group " + options.group() + " already runs on " + node);
    }
    if (!options.joins() && !options.voters().contains(node)) {
      throw new IllegalArgumentException(
          "voters " + options.voters() + " of group " + options.group() + " must include this node, " + node
              + " (a node added to a running group starts with GroupOptions.Builder.join())");
    }
    options.network().checkGroup(options);
    EventLoop loop = leastLoadedLoop();
    GroupRunner<R> runner = new GroupRunner<>(node, options, loop, new SerialExecutor(applyPool),
        new SerialExecutor(snapshotPool));
    runner.start(options.randomSeed().orElseGet(seeds::nextLong));
    loop.adjustGroups(1);
    groups.put(options.group(), runner);
    runner.terminated().whenComplete((ignored, failure) -> forget(runner, loop));
    return new RaftGroup<>(runner);
  }

  /** The group running here under {@code id}, if any. */
  @SuppressWarnings("unchecked")
  public <R> Optional<RaftGroup<R>> group(GroupId id) {
    GroupRunner<?> runner = groups.get(id);
    return runner == null ? Optional.empty() : Optional.of(new RaftGroup<>((GroupRunner<R>) runner));
  }

  /** The status of every group running here. */
  public List<GroupStatus> statuses() {
    List<GroupStatus> statuses = new ArrayList<>();
    for (GroupRunner<?> runner : groups.values()) {
      GroupStatus status = runner.status();
      if (status != null) {
        statuses.add(status);
      }
    }
    return statuses;
  }

  /** Messages dropped because they named a group that does not run here. */
  public long droppedForUnknownGroup() {
    return droppedForUnknownGroup.sum();
  }

  /**
   * How late the event threads ran the groups' timers (a leader's heartbeats, a follower's election
   * timeout), from each timer's deadline to the moment it ran. A p99 or max that nears the
   * heartbeat interval means the event threads are starved (too few for the groups, a CPU shared with
   * other work, GC pauses); near the election timeout, leaders will be deposed for it.
   */
  public LatencySnapshot timerLateness() {
    return timerLateness.snapshot();
  }

  /** Routes a message from the network to its group's event thread; drops it if the group is unknown. */
  @Override
  public void receive(GroupId group, Message message) {
    GroupRunner<?> runner = groups.get(group);
    if (runner == null) {
      droppedForUnknownGroup.increment();
      return;
    }
    runner.deliver(message);
  }

  /**
   * Stops every group (pending proposals fail with {@link io.keel.raft.NodeStoppedException}, logs
   * are closed), then the threads. Waits up to the builder's stop timeout; idempotent.
   */
  @Override
  public void close() {
    Collection<GroupRunner<?>> running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = new ArrayList<>(groups.values());
    }
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (GroupRunner<?> runner : running) {
      stopping.add(runner.stop());
    }
    try {
      CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
          .get(stopTimeoutMillis, TimeUnit.MILLISECONDS);
      for (EventLoop loop : loops) {
        loop.shutdown(stopTimeoutMillis);
      }
      applyPool.shutdown();
      if (!applyPool.awaitTermination(stopTimeoutMillis, TimeUnit.MILLISECONDS)) {
        LOG.warn("{}: apply threads still busy after {} ms; abandoning them", node, stopTimeoutMillis);
        applyPool.shutdownNow();
      }
    } catch (TimeoutException e) {
      LOG.warn("{}: groups did not stop within {} ms", node, stopTimeoutMillis);
      applyPool.shutdownNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      applyPool.shutdownNow();
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.warn("{}: a group failed while stopping", node, e.getCause());
    } finally {
      snapshotPool.shutdownNow(); // the groups' stores are closed: a snapshot still being written is abandoned
    }
  }

  private synchronized void forget(GroupRunner<?> runner, EventLoop loop) {
    if (groups.remove(runner.group, runner)) {
      loop.adjustGroups(-1);
    }
  }

  private EventLoop leastLoadedLoop() {
    EventLoop best = loops[0];
    for (EventLoop loop : loops) {
      if (loop.groups() < best.groups()) {
        best = loop;
      }
    }
    return best;
  }

  /** Collects the runtime's settings; each has a default. */
  public static final class Builder {
    private final NodeId node;
    private int eventThreads = 1;
    private int applyThreads = 1;
    private LongSupplier clock = System::nanoTime;
    private long stopTimeoutMillis = 10_000;

    private Builder(NodeId node) {
      this.node = node;
    }

    /** Event threads shared by the groups (each group stays on one); default 1, range 1–256. */
    public Builder eventThreads(int count) {
      this.eventThreads = checkThreads("eventThreads", count);
      return this;
    }

    /** Threads applying committed commands (each group applies in order on one at a time); default 1, range 1–256. */
    public Builder applyThreads(int count) {
      this.applyThreads = checkThreads("applyThreads", count);
      return this;
    }

    /** The monotonic clock in nanoseconds; {@code System::nanoTime} by default. Tests may substitute one. */
    public Builder clock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long {@link RaftRuntime#close()} waits for groups and threads; default 10,000 ms, at least 1. */
    public Builder stopTimeoutMillis(long millis) {
      if (millis < 1) {
        throw new IllegalArgumentException("stopTimeoutMillis must be >= 1, got " + millis);
      }
      this.stopTimeoutMillis = millis;
      return this;
    }

    private static int checkThreads(String field, int count) {
      if (count < 1 || count > MAX_THREADS) {
        throw new IllegalArgumentException(field + " must be in [1, " + MAX_THREADS + "], got " + count);
      }
      return count;
    }

    /** Starts the runtime's threads. */
    public RaftRuntime build() {
      return new RaftRuntime(this);
    }
  }
}

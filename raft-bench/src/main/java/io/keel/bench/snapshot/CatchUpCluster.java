package io.keel.bench.snapshot;

import io.keel.bench.cluster.BenchNode;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.RaftException;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.snapshot.SnapshotPolicy;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.raft.storage.file.FileSnapshotStoreOptions;
import io.keel.transport.netty.TransportOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The catch-up benchmark's three voters, n1 to n3, on 127.0.0.1 over the Netty transport, each in
 * its own directory under a root: {@code nX/log} (the file log, fsync per batch),
 * {@code nX/snapshots} (the file snapshot store) and {@code nX/state} (its
 * {@link FileKvStateMachine}'s file). Any of them can be started, stopped and started again
 * from its directory; a node started again gets a new, empty state machine, as a restarted
 * process would.
 *
 * <p>Each node's role changes are printed on standard error as comment lines, but for those of
 * nodes being stopped.
 *
 * <p>The transports redial a peer after at most 100 ms instead of the default 2 s, so that a
 * node's start is not followed by up to two seconds of waiting for its peers to dial again (the
 * node with the smaller id dials); the benchmark measures the transfer, not a redial timer.
 */
final class CatchUpCluster implements AutoCloseable {

  static final GroupId GROUP = GroupId.of("catch-up");
  static final TransportOptions TRANSPORT = TransportOptions.defaults()
      .withReconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100));

  /** A running node and its state machine. */
  record Member(BenchNode<Long> node, FileKvStateMachine machine) {
    RaftGroup<Long> group() {
      return node.group;
    }

    GroupStatus status() {
      return node.group.status();
    }
  }

  private final Path root;
  private final RaftConfig config;
  private final SnapshotPolicy policy;
  private final Map<NodeId, InetSocketAddress> addresses;
  private final Map<NodeId, Member> running = new LinkedHashMap<>();
  /** Set while nodes are stopped: their role changes are not worth a line. */
  private volatile boolean closing;

  CatchUpCluster(Path root, RaftConfig config, SnapshotPolicy policy) throws IOException {
    this.root = root;
    this.config = config;
    this.policy = policy;
    this.addresses = BenchNode.freeLoopbackAddresses(3);
  }

  /** The nodes' ids, n1 to n3. */
  Iterable<NodeId> ids() {
    return addresses.keySet();
  }

  /** Starts {@code id} from its directory with an empty state machine. */
  Member start(NodeId id) throws IOException {
    if (running.containsKey(id)) {
      throw new IllegalStateException(id + " is already running");
    }
    Path dir = root.resolve(id.value());
    FileKvStateMachine machine = new FileKvStateMachine(dir.resolve("state"));
    GroupOptions.Builder<Long> group = GroupOptions.<Long>builder(GROUP)
        .config(config)
        .fileLog(dir.resolve("log"), FileLogStoreOptions.defaults())
        .fileSnapshots(dir.resolve("snapshots"), FileSnapshotStoreOptions.defaults(), policy)
        .stateMachine(machine)
        .listener((previous, current) -> {
          if (previous != null && !closing) {
            System.err.printf("# %s: %s in term %d (was %s in term %d)%s%n", id, current.role(), current.term(),
                previous.role(), previous.term(), current.failure().map(why -> ": " + why).orElse(""));
          }
        });
    Map<NodeId, InetSocketAddress> peers = new LinkedHashMap<>(addresses);
    peers.remove(id);
    try {
      Member member = new Member(BenchNode.start(id, addresses.get(id), peers, TRANSPORT, group), machine);
      running.put(id, member);
      return member;
    } catch (IOException | RuntimeException e) {
      machine.close();
      throw e;
    }
  }

  /** Stops {@code id}: its transport, runtime and group, then its state machine. Its directories stay. */
  void stop(NodeId id) throws IOException {
    Member member = running.remove(id);
    if (member != null) {
      closing = true;
      try {
        shutDown(member);
      } finally {
        closing = false;
      }
    }
  }

  private static void shutDown(Member member) throws IOException {
    member.node().close();
    member.machine().close();
  }

  /** The running member {@code id}. */
  Member member(NodeId id) {
    Member member = running.get(id);
    if (member == null) {
      throw new IllegalStateException(id + " is not running");
    }
    return member;
  }

  /** Waits until one running node leads; returns it. */
  Member awaitLeader(Duration timeout) throws InterruptedException {
    AtomicReference<Member> leader = new AtomicReference<>();
    await(() -> {
      for (Member member : running.values()) {
        GroupStatus status = member.status();
        if (status != null && status.isLeader()) {
          leader.set(member);
          return true;
        }
      }
      return false;
    }, timeout, "a leader among " + running.keySet());
    return leader.get();
  }

  /**
   * Proposes every command of {@code commands} on {@code leader}, at most {@code window} at a
   * time, and waits for all of them to be applied there.
   *
   * @throws IllegalStateException if a proposal fails (the leader changed, or the state machine refused it)
   */
  static void proposeAll(RaftGroup<Long> leader, Iterator<byte[]> commands, int window, Duration timeout)
      throws InterruptedException {
    Semaphore slots = new Semaphore(window);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    while (commands.hasNext() && failure.get() == null) {
      if (!slots.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("no proposal completed within " + timeout.toSeconds() + " s");
      }
      leader.propose(commands.next()).whenComplete((records, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error instanceof CompletionException ? error.getCause() : error);
        }
        slots.release();
      });
    }
    if (!slots.tryAcquire(window, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the last proposals did not complete within " + timeout.toSeconds() + " s");
    }
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException("a proposal failed" + (failed instanceof RaftException
          ? " (the leader changed; run again)" : "") + ": " + failed, failed);
    }
  }

  /** Polls {@code condition} every millisecond until it holds, or fails naming {@code what} after {@code timeout}. */
  static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(1);
    }
  }

  /** Stops every running node. */
  @Override
  public void close() throws IOException {
    closing = true;
    IOException failure = null;
    for (Member member : running.values()) {
      try {
        shutDown(member);
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    running.clear();
    if (failure != null) {
      throw failure;
    }
  }
}

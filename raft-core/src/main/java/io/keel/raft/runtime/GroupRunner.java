package io.keel.raft.runtime;

import io.keel.raft.Configuration;
import io.keel.raft.DurabilityListener;
import io.keel.raft.GroupId;
import io.keel.raft.HardState;
import io.keel.raft.LogStore;
import io.keel.raft.NodeId;
import io.keel.raft.NodeStoppedException;
import io.keel.raft.TooManyPendingProposalsException;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.RaftNodeBuilder;
import io.keel.raft.runtime.ProposalInbox.Proposal;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.storage.file.FileLogStore;
import io.keel.raft.storage.file.LogStoreFailedException;
import io.keel.raft.storage.file.StorageStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one group's {@link RaftNode} on its {@link EventLoop}: turns network messages, storage
 * reports, proposals and timer expiries into calls on the node, one at a time on the loop's thread,
 * and after each burst flushes committed commands to the {@link ApplyPipeline} and publishes a
 * {@link GroupStatus}.
 *
 * <p>Methods named {@code on...} run on the loop; {@link #deliver}, {@link #propose}, the
 * {@link DurabilityListener} methods and {@link #stop} may be called from any thread and only post
 * work to the loop.
 */
final class GroupRunner<R> implements DurabilityListener {

  private static final Logger LOG = LoggerFactory.getLogger(GroupRunner.class);

  /** The most commands one call to the node proposes; more wait for the next turn. */
  private static final int MAX_PROPOSALS_PER_APPEND = 4096;

  final GroupId group;
  final NodeId self;
  private final EventLoop loop;
  private final GroupOptions<R> options;
  private final Executor applyExecutor;
  /** Set by {@link #start}, before anyone can propose. */
  private ApplyPipeline<R> pipeline;
  /** Takes snapshots; null if the group has no snapshot store. Set by {@link #start}. */
  private Snapshotter snapshotter;
  private final Executor snapshotExecutor;
  private final ProposalInbox<R> inbox;
  /** Proposals whose proposer still waits: queued, appended, or waiting to apply. */
  private final AtomicInteger outstanding = new AtomicInteger();
  private final int maxOutstanding;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final LeaderWaiters leaderWaiters;

  private LogStore store;
  private RaftNode<R> node;
  /** Set with {@link #node}. */
  private RoleChangeLog roleChanges;
  private final ConfigurationWatch configurations;
  private volatile GroupStatus status;
  private volatile RuntimeException stopReason;
  /** How far the state machine has applied. Set by {@link #start}. */
  private AppliedProgress applied;
  private boolean closing;

  /** Loop bookkeeping: whether the group is on the loop's flush list, and its planned timer. */
  boolean touched;
  long scheduledDeadline = Long.MAX_VALUE;

  GroupRunner(NodeId self, GroupOptions<R> options, EventLoop loop, Executor applyExecutor,
      Executor snapshotExecutor) {
    this.snapshotExecutor = snapshotExecutor;
    this.group = options.group();
    this.self = self;
    this.options = options;
    this.loop = loop;
    this.applyExecutor = applyExecutor;
    this.maxOutstanding = options.config().maxPendingProposals();
    this.inbox = new ProposalInbox<>(loop, this::onProposals);
    this.leaderWaiters = new LeaderWaiters(applyExecutor);
    this.configurations = new ConfigurationWatch(group + " on " + self, group, self, options.network());
  }

  // ---------------------------------------------------------------- life cycle

  /**
   * Opens the stores and restores the newest snapshot on the caller's thread, then builds the node
   * on the loop and waits for it.
   */
  void start(long randomSeed) throws IOException {
    long restoredOrApplied;
    try {
      restoredOrApplied = openStores();
    } catch (IOException | RuntimeException e) {
      closeStore();
      throw e;
    }
    applied = new AppliedProgress(loop::execute, this::onApplied, restoredOrApplied);
    pipeline = new ApplyPipeline<>(options.stateMachine(), applyExecutor, applied::applied,
        outstanding::decrementAndGet, this::onStateMachineError, inbox::afterApplyBatch, snapshotter);
    CompletableFuture<Void> started = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        RaftNodeBuilder<R> builder = RaftNode.<R>builder();
        if (snapshotter != null) {
          builder.snapshots(snapshotter.store(), new SnapshotInstaller(group + " on " + self, snapshotter.store(),
              options.stateMachine(), snapshotExecutor, applyExecutor,
              new LoopInstallReports<R>(loop::execute, this::onEvent, snapshotter, applied, this::onStateMachineError)));
        }
        if (options.joins()) {
          builder.join();
        } else {
          builder.voters(options.voters());
        }
        node = builder
            .id(self)
            .config(options.config())
            .logStore(store)
            .transport((to, message) -> options.network().send(group, to, message))
            .randomSeed(randomSeed)
            .appliedIndex(restoredOrApplied)
            .impossibleMessageListener(impossible ->
                options.network().onImpossibleMessage(group, impossible.from(), impossible.reason()))
            .start(loop.now());
        roleChanges = new RoleChangeLog(group + " on " + self, node);
        if (snapshotter != null) {
          snapshotter.startFrom(configurationAt(restoredOrApplied));
        }
        loop.touch(this);
        started.complete(null);
      } catch (RuntimeException e) {
        started.completeExceptionally(e);
      }
    });
    try {
      started.join();
    } catch (CompletionException e) {
      closeStore();
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /** Opens the snapshot store, restoring its newest snapshot, then the log; returns the state machine's applied index. */
  private long openStores() throws IOException {
    long appliedIndex = options.stateMachine().appliedIndex();
    if (options.snapshotStore().isPresent()) {
      snapshotter = new Snapshotter(group + " on " + self, options.snapshotStore().get().open(),
          options.snapshotPolicy(), snapshotExecutor, applyExecutor,
          info -> loop.execute(() -> onEvent(raft -> {
            applied.report(raft); // the snapshot stands for entries applied: the core learns of them first
            raft.snapshots().onTaken(info);
          })));
      appliedIndex = snapshotter.restore(options.stateMachine(), appliedIndex);
    }
    store = options.logStore().open(this);
    return appliedIndex;
  }

  /** Stops the node; the future completes once the store is closed and every proposal has its outcome. */
  CompletableFuture<Void> stop() {
    loop.execute(() -> onStop(new NodeStoppedException(group + " on " + self + " was stopped")));
    return terminated;
  }

  CompletableFuture<Void> terminated() {
    return terminated;
  }

  // ---------------------------------------------------------------- from any thread

  void deliver(Message message) {
    loop.execute(() -> onEvent(raft -> raft.receive(message)));
  }

  CompletableFuture<R> propose(byte[] command) {
    Objects.requireNonNull(command, "command");
    CompletableFuture<R> client = new CompletableFuture<>();
    if (command.length > options.maxCommandBytes()) {
      client.completeExceptionally(new IllegalArgumentException("a command of " + command.length
          + " bytes exceeds maxCommandBytes (" + options.maxCommandBytes() + ") of group " + group));
      return client;
    }
    RuntimeException stopped = stopReason;
    if (stopped != null) {
      client.completeExceptionally(stopped);
      return client;
    }
    if (outstanding.incrementAndGet() > maxOutstanding) {
      outstanding.decrementAndGet();
      client.completeExceptionally(new TooManyPendingProposalsException(maxOutstanding));
      return client;
    }
    inbox.add(new Proposal<>(command, client));
    if (pipeline.isApplyThread()) {
      // A callback proposing from inside an apply batch: wake the event thread once, after the
      // batch, so that every command its callbacks propose goes into one append.
      inbox.deferDrain();
    } else {
      inbox.scheduleDrain();
    }
    if (stopReason != null) {
      // Stopped meanwhile: the event thread may never drain these, so the proposer fails them.
      for (Proposal<R> late : inbox.takeAfterStop()) {
        late.client().completeExceptionally(stopReason);
        outstanding.decrementAndGet();
      }
    }
    return client;
  }

  CompletableFuture<NodeId> awaitLeader(Duration timeout) {
    return leaderWaiters.await(timeout, () -> status, () -> stopReason);
  }

  Optional<SnapshotInfo> latestSnapshot() {
    return snapshotter == null ? Optional.empty() : snapshotter.latest();
  }

  Optional<StorageStats> storageStats() {
    return store instanceof FileLogStore files ? Optional.of(files.stats()) : Optional.empty();
  }

  /** The status of the last burst, with what is applied since and how the network reaches each member now. */
  GroupStatus status() {
    GroupStatus published = status;
    return published == null ? null
        : published.with(applied.appliedIndex(), configurations.reachability(published.configuration()));
  }

  /**
   * Runs {@code call} on the node, on the loop; its outcome reaches the caller on the apply thread,
   * like a proposal's, turned into the caller's there by {@code onApplyThread}. Fails at once if
   * the node has stopped.
   */
  <T, U> CompletableFuture<U> administer(Function<RaftNode<R>, CompletableFuture<T>> call,
      Function<T, U> onApplyThread) {
    CompletableFuture<U> client = new CompletableFuture<>();
    loop.execute(() -> {
      RuntimeException stopped = stopReason;
      if (stopped != null) {
        applyExecutor.execute(() -> client.completeExceptionally(stopped));
        return;
      }
      onEvent(raft -> call.apply(raft).whenCompleteAsync((result, failure) -> {
        try {
          if (failure != null) {
            throw failure instanceof CompletionException wrapped ? wrapped.getCause() : failure;
          }
          client.complete(onApplyThread.apply(result));
        } catch (Throwable thrown) {
          client.completeExceptionally(thrown);
        }
      }, applyExecutor));
    });
    return client;
  }

  @Override
  public void logDurable(long sequence, long index, long term) {
    loop.execute(() -> onEvent(raft -> raft.onLogDurable(sequence, index, term)));
  }

  @Override
  public void hardStateDurable(HardState state) {
    loop.execute(() -> onEvent(raft -> raft.onHardStateDurable(state)));
  }

  @Override
  public void storageFailed(Exception cause) {
    loop.execute(() -> onStorageFailed(cause));
  }

  // ---------------------------------------------------------------- on the loop

  /**
   * Feeds one event to the node, unless it has stopped: the time first, then {@code event}. Anything
   * thrown stops the node ({@link #onUnexpected}).
   */
  private void onEvent(Consumer<RaftNode<R>> event) {
    if (stopReason != null) {
      return;
    }
    try {
      node.tick(loop.now());
      event.accept(node);
    } catch (RuntimeException e) {
      onUnexpected(e);
    }
    loop.touch(this);
  }

  private void onStorageFailed(Exception cause) {
    if (stopReason != null) {
      return;
    }
    failStorage(cause);
    loop.touch(this);
  }

  /** The store failed (reported, or thrown out of a call): the node stops taking part. */
  private void failStorage(Throwable cause) {
    LOG.error("{} on {}: the log store failed; the node stops taking part", group, self, cause);
    node.onStorageFailure(cause);
  }

  void onTimer() {
    onEvent(raft -> { });
  }

  private void onProposals() {
    inbox.drainStarted();
    ArrayList<Proposal<R>> batch = inbox.take();
    if (batch.isEmpty()) {
      return;
    }
    if (stopReason != null) {
      for (Proposal<R> proposal : batch) {
        pipeline.fail(proposal.client(), stopReason);
      }
    } else {
      for (int from = 0; from < batch.size(); from += MAX_PROPOSALS_PER_APPEND) {
        proposeSlice(batch.subList(from, Math.min(batch.size(), from + MAX_PROPOSALS_PER_APPEND)));
      }
    }
    inbox.recycle(batch);
    loop.touch(this);
  }

  private void proposeSlice(List<Proposal<R>> slice) {
    List<byte[]> commands = new ArrayList<>(slice.size());
    for (Proposal<R> proposal : slice) {
      commands.add(proposal.command());
    }
    try {
      node.tick(loop.now());
      List<CompletableFuture<R>> outcomes = node.propose(commands);
      for (int i = 0; i < outcomes.size(); i++) {
        link(outcomes.get(i), slice.get(i).client());
      }
    } catch (RuntimeException e) {
      onUnexpected(e);
      RuntimeException reason = stopReason != null ? stopReason : e;
      for (Proposal<R> proposal : slice) {
        pipeline.fail(proposal.client(), reason);
      }
    }
  }

  /**
   * Connects the core's outcome of one proposal to the client's future. The core's future
   * completes on the apply thread when its entry is applied (or abandoned there), and fails on the
   * event thread when the core refuses it or loses leadership; that failure reaches the client
   * through the apply thread, behind what is already queued.
   */
  private void link(CompletableFuture<R> outcome, CompletableFuture<R> client) {
    outcome.whenComplete((result, failure) -> {
      Throwable cause = failure instanceof CompletionException wrapped ? wrapped.getCause() : failure;
      if (!pipeline.isApplyThread()) {
        pipeline.fail(client, cause);
        return;
      }
      if (cause != null) {
        client.completeExceptionally(cause);
      } else {
        client.complete(result);
      }
      outstanding.decrementAndGet();
    });
  }

  /** On the loop: tells the core how far the state machine got, so it may hand out more. */
  private void onApplied() {
    if (stopReason == null && applied.onWake(node)) {
      loop.touch(this);
    }
  }

  /** After a burst: hands newly committed entries to the apply thread, publishes status, re-arms the timer. */
  void afterEvents() {
    if (node == null) {
      return;
    }
    if (stopReason == null) {
      applied.report(node);
      for (var committed = node.takeCommitted(); !committed.isEmpty(); committed = node.takeCommitted()) {
        pipeline.submit(committed);
        applied.handedOut(committed.get(committed.size() - 1).index());
      }
      applied.afterHandOut(node);
      configurations.afterEvents(node);
    }
    pipeline.flush();
    roleChanges.observe(node, loop.now());
    GroupStatus previous = status;
    GroupStatus current = snapshot();
    status = current;
    leaderWaiters.onStatus(current, stopReason);
    GroupListener listener = options.listener();
    if (listener != null && current.differsForListeners(previous)) {
      applyExecutor.execute(() -> listener.statusChanged(previous, current));
    }
    if (stopReason == null) {
      loop.schedule(this, node.nextDeadlineNanos());
    } else if (!closing) {
      closing = true;
      applyExecutor.execute(() -> {
        closeStore();
        terminated.complete(null);
      });
    }
  }

  private void onStop(RuntimeException reason) {
    if (stopReason != null) {
      return;
    }
    stopReason = reason;
    if (node != null) {
      node.stop(reason);
    }
    failQueuedProposals(reason);
    loop.touch(this);
  }

  /** Anything thrown out of the node: a failed store, or a bug. The node stops either way. */
  private void onUnexpected(RuntimeException e) {
    if (e instanceof LogStoreFailedException || e instanceof UncheckedIOException) {
      failStorage(e);
      return;
    }
    LOG.error("{} on {}: unexpected error; stopping the node", group, self, e);
    onStop(new NodeStoppedException(group + " on " + self + " stopped after an unexpected error: " + e, e));
  }

  private void onStateMachineError(Throwable error) {
    LOG.error("{} on {}: the state machine threw; stopping the node", group, self, error);
    loop.execute(() -> onStop(new NodeStoppedException(
        group + " on " + self + " stopped: the state machine threw " + error, error)));
  }

  private void failQueuedProposals(RuntimeException reason) {
    ArrayList<Proposal<R>> batch = inbox.take();
    for (Proposal<R> proposal : batch) {
      pipeline.fail(proposal.client(), reason);
    }
    inbox.recycle(batch);
    loop.touch(this);
  }

  private GroupStatus snapshot() {
    return new GroupStatus(group, self, node.role(), node.currentTerm(), node.leader(),
        node.commitIndex(), applied.appliedIndex(), node.lastLogIndex(), node.durableIndex(),
        node.matchIndexes(), node.impossibleMessages(), node.failure().map(Throwable::getMessage), snapshotStatus(),
        node.configuration(), ReadStatus.of(node.reads()), Map.of());
  }

  /** The configuration at {@code index}, where the state machine starts; the one in force if the log no longer knows. */
  private Configuration configurationAt(long index) {
    try {
      return node.membership().configurationAt(index);
    } catch (IllegalArgumentException e) {
      return node.configuration();
    }
  }

  private SnapshotStatus snapshotStatus() {
    return snapshotter == null ? SnapshotStatus.NONE : snapshotter.status(node.snapshots());
  }

  private void closeStore() {
    closeQuietly(snapshotter, "snapshot store");
    closeQuietly(store instanceof AutoCloseable closeable ? closeable : null, "log store");
  }

  private void closeQuietly(AutoCloseable closeable, String what) {
    try {
      if (closeable != null) {
        closeable.close();
      }
    } catch (Exception e) {
      LOG.warn("{} on {}: closing the {} failed", group, self, what, e);
    }
  }
}

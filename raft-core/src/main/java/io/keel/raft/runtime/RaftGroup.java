package io.keel.raft.runtime;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationChange;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.ReadMode;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.storage.file.StorageStats;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One Raft group running on a {@link RaftRuntime}: this node's replica of it. Safe to use from any
 * thread.
 *
 * <p>Proposal futures complete on the group's apply thread, right after the state machine applies
 * the command; a callback that blocks there delays later applies (never heartbeats or
 * replication), so hand slow work to an executor of your own ({@code thenApplyAsync}).
 *
 * @param <R> the state machine's result type
 */
public final class RaftGroup<R> {

  private final GroupRunner<R> runner;

  RaftGroup(GroupRunner<R> runner) {
    this.runner = runner;
  }

  /** The group's name. */
  public GroupId id() {
    return runner.group;
  }

  /** This node's id. */
  public NodeId node() {
    return runner.self;
  }

  /**
   * Proposes one command. The future completes with the state machine's result once the command is
   * committed and applied on this node; it fails with {@link io.keel.raft.NotLeaderException} (which
   * names the leader, if known) when this node does not lead,
   * {@link io.keel.raft.TooManyPendingProposalsException} when {@code maxPendingProposals} are
   * already outstanding, {@link IllegalArgumentException} for a command above
   * {@link GroupOptions#maxCommandBytes()}, {@link io.keel.raft.LeadershipLostException} or
   * {@link io.keel.raft.NodeStoppedException} when the outcome became unknown, and with whatever the
   * state machine threw for this command. Commands proposed together, from any threads, are appended
   * and made durable as one batch.
   */
  public CompletableFuture<R> propose(byte[] command) {
    return runner.propose(command);
  }

  /**
   * A future of the group's leader, once this node knows one (itself or another node), within
   * {@code timeout}; it fails with {@link java.util.concurrent.TimeoutException} if none is known
   * by then, and with {@link io.keel.raft.NodeStoppedException} if this replica stops. Propose on
   * the leader's {@code RaftGroup} (or send the request to that node): a follower refuses proposals
   * with {@link io.keel.raft.NotLeaderException}. Completes on the group's apply thread.
   */
  public CompletableFuture<NodeId> awaitLeader(Duration timeout) {
    return runner.awaitLeader(timeout);
  }

  /**
   * Changes the group's members: any adds, promotions, demotions and removals at once, through a
   * joint configuration (Raft thesis §4.3). Call it on the leader. The future completes, on the
   * apply thread, with the new configuration once it has committed; it fails with
   * {@link io.keel.raft.NotLeaderException} on another node,
   * {@link io.keel.raft.ConfigurationChangeException} when the change is refused (another is under
   * way, an unknown node, no voter left) or its new voters do not catch up within
   * {@link io.keel.raft.RaftConfig#catchUpTimeout()}, and {@link io.keel.raft.LeadershipLostException}
   * when this node stops leading once the change began (its outcome is then unknown: read
   * {@link #configuration()} on the new leader).
   */
  public CompletableFuture<Configuration> changeMembership(ConfigurationChange change) {
    return runner.administer(raft -> raft.membership().change(change), Function.identity());
  }

  /** Adds {@code node} as a learner, which receives the log but does not vote ({@link #changeMembership}). */
  public CompletableFuture<Configuration> addLearner(NodeId node, String address) {
    return changeMembership(ConfigurationChange.addLearner(node, address));
  }

  /** Adds {@code node} as a voter once it has caught up with the leader ({@link #changeMembership}). */
  public CompletableFuture<Configuration> addVoter(NodeId node, String address) {
    return changeMembership(ConfigurationChange.addVoter(node, address));
  }

  /** Makes learner {@code node} a voter once it has caught up ({@link #changeMembership}). */
  public CompletableFuture<Configuration> promote(NodeId node) {
    return changeMembership(ConfigurationChange.promote(node));
  }

  /** Removes member {@code node}, voter or learner ({@link #changeMembership}). */
  public CompletableFuture<Configuration> remove(NodeId node) {
    return changeMembership(ConfigurationChange.remove(node));
  }

  /**
   * Hands leadership to {@code target}, or, if null, to the most up-to-date voter (Raft thesis
   * §3.10). Call it on the leader, which refuses proposals meanwhile with
   * {@link io.keel.raft.LeadershipTransferException}. The future completes with the new leader
   * once this node hears from it, or fails if the transfer is refused or abandoned after an
   * election timeout (this node then leads again).
   */
  public CompletableFuture<NodeId> transferLeadership(NodeId target) {
    return runner.administer(raft -> raft.membership().transferLeadership(target), Function.identity());
  }

  /**
   * A linearizable read (Raft thesis §6.4): runs {@code query} against the state machine on the
   * group's apply thread once it has applied every write committed before this call, on the
   * leader or on a follower (which asks the leader for the read index and waits until it has
   * applied that far). The future holds {@code query}'s result, or what it threw; it fails with
   * {@link io.keel.raft.NotLeaderException} on a node that knows no leader and with
   * {@link io.keel.raft.ReadFailedException} when the read index cannot be confirmed (leadership
   * lost, no answer from the leader within an election timeout). A failed read changed nothing:
   * retrying is always safe. Reads that arrive together share one confirmation round.
   */
  public <T> CompletableFuture<T> read(Supplier<T> query) {
    return read(ReadMode.READ_INDEX, query);
  }

  /**
   * A read as {@link #read(Supplier)}, made linearizable as {@code mode} says: by a leader's lease
   * ({@link ReadMode#LEASE}, which needs {@link io.keel.raft.RaftConfig#leaseReads()} and trusts
   * clocks) or by a round of leadership checks.
   */
  public <T> CompletableFuture<T> read(ReadMode mode, Supplier<T> query) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(query, "query");
    return runner.administer(raft -> raft.reads().readIndex(mode), readIndex -> query.get());
  }

  /**
   * The read index of a linearizable read; the future completes on the group's apply thread once
   * the state machine has applied that far. {@link #read} runs a query there, which is simpler.
   */
  public CompletableFuture<Long> readIndex() {
    return readIndex(ReadMode.READ_INDEX);
  }

  /** The read index of a read made linearizable as {@code mode} says; as {@link #readIndex()} otherwise. */
  public CompletableFuture<Long> readIndex(ReadMode mode) {
    Objects.requireNonNull(mode, "mode");
    return runner.administer(raft -> raft.reads().readIndex(mode), Function.identity());
  }

  /** The configuration in force on this node, as of its latest burst of events. */
  public Configuration configuration() {
    GroupStatus status = runner.status();
    return status == null ? Configuration.NONE : status.configuration();
  }

  /** The node's latest status: role, term, leader, indexes, followers' progress, members and their reachability. */
  public GroupStatus status() {
    return runner.status();
  }

  /** The newest snapshot this replica holds, if the group takes snapshots and one was taken or received. */
  public Optional<SnapshotInfo> latestSnapshot() {
    return runner.latestSnapshot();
  }

  /**
   * The file log's counters ({@link io.keel.raft.storage.file.FileLogStore#stats()}: entries and
   * bytes written, syncs, fsync and append latencies), if the group keeps its log in files; empty
   * for another store. Cheap, from any thread.
   */
  public Optional<StorageStats> storageStats() {
    return runner.storageStats();
  }

  /**
   * Stops this replica: pending proposals fail with {@link io.keel.raft.NodeStoppedException}, the
   * store is closed. The future completes when all of that is done. The group can be started again
   * from the same directory with {@link RaftRuntime#startGroup}.
   */
  public CompletableFuture<Void> stop() {
    return runner.stop();
  }

  @Override
  public String toString() {
    return "RaftGroup[" + runner.group + " on " + runner.self + "]";
  }
}

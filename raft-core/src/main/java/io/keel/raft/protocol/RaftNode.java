package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.HardState;
import io.keel.raft.LeadershipTransferException;
import io.keel.raft.LogStore;
import io.keel.raft.NodeId;
import io.keel.raft.NotLeaderException;
import io.keel.raft.RaftConfig;
import io.keel.raft.StorageFailedException;
import io.keel.raft.TooManyPendingProposalsException;
import io.keel.raft.Transport;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One Raft node, as pure logic: a deterministic, single-threaded state machine that the driver (the
 * production runtime, the simulator or a test) feeds with events and that acts only through the
 * {@link Transport} and {@link LogStore} it was given, and by handing committed entries to the
 * driver, which applies them to the state machine ({@link #takeCommitted}, {@link #onApplied}).
 *
 * <p>Events in: {@link #tick} (the time is now T), {@link #receive} (a message from a peer),
 * {@link #propose} (a client command), {@link #onLogDurable} and {@link #onHardStateDurable} (the
 * store's reports), {@link #onApplied} (the state machine's progress), {@link #onStorageFailure}.
 * The node never reads a clock, starts a thread, blocks or does I/O itself, and its only randomness
 * comes from the seed it was built with, so the same seed and events always produce the same
 * outputs. All calls must come from one thread at a time. A proposal's future fails on that thread
 * (not the leader, leadership lost, node stopped) or completes where the driver applies its entry.
 *
 * <p>A message goes through {@link MessageRouter} to the current role ({@link Follower},
 * {@link Candidate}, {@link Leader}) or the {@link Voter}; an impossible one is dropped, counted and
 * reported as an {@link ImpossibleMessage}. The node halts only when its own state breaks an
 * invariant or its store fails.
 *
 * @param <R> the state machine's result type
 */
public final class RaftNode<R> {

  private final NodeId id;
  private final RaftConfig config;
  private final LogStore store;
  private final RaftLog log;
  private final CommitQueue<R> commits;
  private final Snapshots snapshots;
  private final Outbox outbox;
  private final MessageRouter router;

  private long nowNanos;
  /**
   * The current term and vote, as last saved to the store (Figure 2's persistent state); every
   * outgoing message is stamped with it.
   */
  private HardState hardState;
  private NodeId leaderId;
  private long lastLeaderContactNanos;
  private RoleState role;
  /** Why the node stopped, once it is {@link Role#FAILED}; proposals fail with it. */
  private RuntimeException failure;
  private final Membership membership;
  private final Elections elections;
  private final Reads reads;

  RaftNode(RaftNodeBuilder<R> builder, long startNanos) {
    this.id = Objects.requireNonNull(builder.id, "id");
    this.config = Objects.requireNonNull(builder.config, "config");
    this.store = Objects.requireNonNull(builder.logStore, "logStore");
    ConfigurationLog.Indexed base = builder.baseConfiguration();
    this.log = new RaftLog(store, base.index(), base.configuration());
    this.membership = new Membership(this, log);
    this.elections = new Elections(this, config, new ElectionTimeouts(config, builder.randomSeed));
    this.reads = new Reads(this, log, config, builder.randomSeed);
    long snapshotIndex = Snapshots.recoverLog(log, builder.snapshotStore);
    this.commits = new CommitQueue<>(id, store, config.maxBytesPerAppend(), config.maxUnappliedBytes(),
        builder.appliedIndex);
    commits.commitTo(snapshotIndex);
    this.snapshots = new Snapshots(this, log, commits, builder.snapshotStore, builder.snapshotReceiver, config);
    this.hardState = store.hardState();
    this.outbox = new Outbox(Objects.requireNonNull(builder.transport, "transport"), hardState);
    this.router = new MessageRouter(this, log, config.leaseReads(),
        Objects.requireNonNull(builder.impossibleMessageListener, "impossibleMessageListener"));
    this.nowNanos = startNanos;
    this.lastLeaderContactNanos = startNanos; // with lease reads, a node starting grants no vote at once (Voter)
    this.role = new Follower(this, log, elections.randomDeadline());
    if (log.lastTerm() > hardState.term()) {
      // The log and the hard state are separate writes: a crash can keep entries of a term whose
      // hard state it lost. That term's vote was never sent (messages wait for the hard state), so
      // adopting the term with no vote is what the node would have done on hearing of the term.
      persist(new HardState(log.lastTerm(), null));
    }
  }

  /** A builder; every field but {@code randomSeed} is required. */
  public static <R> RaftNodeBuilder<R> builder() {
    return new RaftNodeBuilder<>();
  }

  // ---------------------------------------------------------------- events

  /**
   * The time is now {@code nowNanos} (any monotonic clock, the same for all calls): fires the role's
   * timer if it is due. Call it before delivering other events, and again at
   * {@link #nextDeadlineNanos()}.
   *
   * @throws IllegalArgumentException if time went backwards
   */
  public void tick(long nowNanos) {
    if (nowNanos < this.nowNanos) {
      throw new IllegalArgumentException("time went backwards: " + nowNanos + " < " + this.nowNanos);
    }
    this.nowNanos = nowNanos;
    membership.onTick();
    reads.onTick();
    if (nowNanos >= role.deadlineNanos()) {
      role.onDeadline();
    }
  }

  /**
   * Handles a message from a peer. A message no correct peer could send now (from a non-voter, a
   * second leader in a term, an acknowledgement of entries never sent, ...) changes nothing: it is
   * counted and reported to the builder's {@link RaftNodeBuilder#impossibleMessageListener}.
   */
  public void receive(Message message) {
    if (role.role() != Role.FAILED) {
      router.receive(message);
    }
  }

  /**
   * Proposes one command. The future completes with the state machine's result once the driver
   * applies the command here ({@link CommittedEntry#applyTo}); fails at once with
   * {@link NotLeaderException} if this node is not the leader, or
   * {@link TooManyPendingProposalsException} if too many proposals are pending; and fails with
   * {@link io.keel.raft.LeadershipLostException} if this node stops leading before the command is
   * applied, in which case the outcome is unknown.
   */
  public CompletableFuture<R> propose(byte[] command) {
    return propose(List.of(command)).get(0);
  }

  /** Proposes several commands as one append; one future per command, in order. */
  public List<CompletableFuture<R>> propose(List<byte[]> commands) {
    RuntimeException refusal = refusalOf(commands.size());
    if (refusal != null) {
      return Collections.nCopies(commands.size(), CompletableFuture.failedFuture(refusal));
    }
    long firstIndex = ((Leader) role).appendCommands(commands);
    return commits.track(firstIndex, currentTerm(), commands.size());
  }
  /**
   * The store reports every log write up to the one numbered {@code sequence} durable, its durable
   * log ending at {@code index}@{@code term} ({@link io.keel.raft.DurabilityListener#logDurable}).
   */
  public void onLogDurable(long sequence, long index, long term) {
    if (role.role() != Role.FAILED && log.onDurable(sequence, index, term)) {
      role.onLogDurable();
    }
  }

  /** The store reports {@code state} (and all saved before it) durable. */
  public void onHardStateDurable(HardState state) {
    if (role.role() == Role.FAILED) {
      return;
    }
    outbox.onDurable(state);
    role.onHardStateDurable();
  }

  /**
   * The next committed entries to apply, in log order, each with its proposer's future if this node
   * proposed it; empty if none is ready. Call it after every event until it returns empty. No more than {@link RaftConfig#maxUnappliedBytes()} of
   * commands are handed out ahead of {@link #onApplied}.
   */
  public List<CommittedEntry<R>> takeCommitted() {
    return role.role() == Role.FAILED ? List.of() : commits.takeCommitted();
  }

  /**
   * The driver applied every entry up to {@code index} to the state machine.
   *
   * @throws IllegalArgumentException if no entry at {@code index} was handed out
   */
  public void onApplied(long index) {
    if (role.role() != Role.FAILED) {
      commits.onApplied(index);
      reads.onApplied(commits.appliedIndex());
    }
  }

  /** The store failed a write: the node stops and fails every pending proposal. */
  public void onStorageFailure(Throwable cause) {
    stop(new StorageFailedException(id, cause));
  }

  /**
   * Stops the node for good, because its driver is shutting it down or failed around it: it becomes
   * {@link Role#FAILED}, ignores every later event, and fails pending and later proposals with
   * {@code reason}. Restarting means building a new node on the same store.
   */
  public void stop(RuntimeException reason) {
    Objects.requireNonNull(reason, "reason");
    if (role.role() != Role.FAILED) {
      halt(reason);
    }
  }

  private void halt(RuntimeException reason) {
    enter(new Failed());
    failure = reason;
    leaderId = null;
    commits.proposals().failAll(reason);
    membership.onStop(reason);
    reads.onStop(reason);
  }

  // ---------------------------------------------------------------- queries

  /** This node's id. */
  public NodeId id() {
    return id;
  }

  /** Why this node last stepped down in its own term (CheckQuorum, or a configuration without it); null if never. */
  public String stepDownReason() {
    return elections.stepDownReason();
  }

  /** The role this node plays now. */
  public Role role() {
    return role.role();
  }

  /** The node's current term. */
  public long currentTerm() {
    return hardState.term();
  }

  /** The candidate this node voted for in its current term, if any. */
  public Optional<NodeId> votedFor() {
    return Optional.ofNullable(hardState.votedFor());
  }

  /** The leader of the current term, if this node knows it. */
  public Optional<NodeId> leader() {
    return Optional.ofNullable(leaderId);
  }

  /** The highest index known committed. */
  public long commitIndex() {
    return commits.commitIndex();
  }

  /** The highest index the driver reported applied to the state machine ({@link #onApplied}). */
  public long lastApplied() {
    return commits.appliedIndex();
  }

  /** The index of the last entry in this node's log. */
  public long lastLogIndex() {
    return log.lastIndex();
  }

  /** The highest index this node's store has reported durable. */
  public long durableIndex() {
    return log.durableIndex();
  }

  /** When the driver must next call {@link #tick}, on the clock it ticks with. */
  public long nextDeadlineNanos() {
    return role.deadlineNanos();
  }

  /**
   * The leader's view of each follower: the highest index known replicated, durably, on it. Empty
   * unless this node is the leader.
   */
  public Map<NodeId, Long> matchIndexes() {
    return role instanceof Leader leader ? leader.matchIndexes() : Map.of();
  }

  /**
   * The leader's view of follower {@code peer}: the highest index known replicated, durably, on it;
   * -1 unless this node is the leader and {@code peer} one of its followers. Unlike
   * {@link #matchIndexes()} it allocates nothing.
   */
  public long matchIndex(NodeId peer) {
    return role instanceof Leader leader ? leader.matchIndexOf(peer) : -1;
  }

  /**
   * The node's snapshots: the driver reports here the snapshots it takes and those its
   * {@link io.keel.raft.SnapshotReceiver} stores and installs.
   */
  public Snapshots snapshots() {
    return snapshots;
  }

  /**
   * The group's members as this node sees them, and the administration of membership: changes
   * by joint consensus and leadership transfer, on the leader.
   */
  public Membership membership() {
    return membership;
  }

  /** Linearizable reads by read index, on the leader and on followers. */
  public Reads reads() {
    return reads;
  }

  /** The configuration in force here ({@link Membership#configuration()}). */
  public Configuration configuration() {
    return membership.configuration();
  }

  /** Why the node stopped, if it is {@link Role#FAILED}. */
  public Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  /** How many proposals await their outcome. */
  public int pendingProposals() {
    return commits.proposals().size();
  }

  /** How many messages this node has refused as impossible ({@link ImpossibleMessage}). */
  public long impossibleMessages() {
    return router.impossibleMessages();
  }

  /**
   * Fails loudly if the node's state breaks one of its invariants. Cheap; tests and the simulator
   * call it after every event.
   */
  public void checkInvariants() {
    log.checkInvariants();
    commits.checkInvariants(log.lastIndex());
    if (log.lastTerm() > currentTerm()) {
      throw new IllegalStateException(id + ": log term " + log.lastTerm() + " beyond current term " + currentTerm());
    }
    if (!store.hardState().equals(hardState)) {
      throw new IllegalStateException(id + ": store holds " + store.hardState() + ", node saved " + hardState);
    }
    if (role.role() == Role.LEADER && (!id.equals(leaderId) || !id.equals(hardState.votedFor()))) {
      throw new IllegalStateException(id + ": leader of term " + currentTerm() + " without its own vote");
    }
    snapshots.checkInvariants();
    role.checkInvariants();
  }

  @Override
  public String toString() {
    return id + "{" + role.role() + " term=" + currentTerm() + " leader=" + leaderId + " last="
        + log.lastIndex() + " durable=" + log.durableIndex() + " commit=" + commits.commitIndex() + "}";
  }

  private RuntimeException refusalOf(int commandCount) {
    if (role.role() == Role.FAILED) {
      return failure;
    }
    if (!(role instanceof Leader)) {
      return new NotLeaderException(id, leaderId);
    }
    if (membership.transferTarget() != null) {
      return new LeadershipTransferException(id + " is handing leadership to " + membership.transferTarget());
    }
    if (commits.proposals().size() + commandCount > config.maxPendingProposals()) {
      return new TooManyPendingProposalsException(config.maxPendingProposals());
    }
    return null;
  }

  // ---------------------------------------------------------------- transitions (used by the roles)

  /**
   * Becomes a follower of {@code term}, of {@code leader} if known. The election timer starts
   * afresh only for a leader heard from, or after leading; a follower or candidate that merely
   * learns of a higher term (a vote request it may refuse, a response) keeps its deadline (Figure
   * 2, Followers: only AppendEntries from the leader or a vote granted reset it). Otherwise a
   * candidate whose log cannot win would, by campaigning first again and again, push back the
   * timers of the nodes that could.
   */
  void becomeFollower(long term, NodeId leader) {
    boolean wasLeading = role instanceof Leader;
    if (wasLeading) {
      commits.proposals().failAbove(commits.commitIndex(), id);
    }
    if (term > currentTerm()) {
      persist(new HardState(term, null));
    }
    leaderId = leader;
    if (leader != null) {
      lastLeaderContactNanos = nowNanos;
      membership.onLeaderKnown(leader);
    }
    long deadline = leader != null || wasLeading ? elections.randomDeadline() : role.deadlineNanos();
    enter(new Follower(this, log, deadline));
  }

  /** When and how this node campaigns. */
  Elections elections() {
    return elections;
  }

  /** Waits, as a follower of the current term with no leader known, a fresh election timeout. */
  void waitAsFollower() {
    leaderId = null;
    enter(new Follower(this, log, elections.randomDeadline()));
  }

  /** Campaigns: a PreVote round, or an election in the term it has just persisted. */
  void enterCandidate(boolean preVote, boolean leadershipTransfer) {
    leaderId = null;
    enter(new Candidate(this, preVote, leadershipTransfer, elections.randomDeadline())).start();
  }

  void becomeLeader() {
    leaderId = id;
    enter(new Leader(this, log, config, snapshots)).start();
  }

  /** Leaves the current role for {@code next}, which it returns. */
  private <T extends RoleState> T enter(T next) {
    role.exit();
    role = next;
    return next;
  }

  /** The leader of the current term was heard from; the follower checked that it is the only one. */
  void heardFromLeader(NodeId leader) {
    if (leaderId != null && !leaderId.equals(leader)) {
      throw new IllegalStateException(id + ": two leaders in term " + currentTerm() + ": "
          + leaderId + " and " + leader + " (the follower checks this first)");
    }
    leaderId = leader;
    lastLeaderContactNanos = nowNanos;
    membership.onLeaderKnown(leader);
  }

  /** Advances the commit index; the driver takes the newly committed entries to apply them. */
  void commitTo(long index) {
    commits.commitTo(index);
  }

  /** Sends a message once the current hard state is durable. */
  void send(NodeId to, Message message) {
    outbox.send(to, message, hardState);
  }

  /** Figure 2: term and vote go to stable storage; messages wait on it through the outbox. */
  void persist(HardState state) {
    hardState = state;
    store.saveHardState(state);
  }

  RoleState roleState() {
    return role;
  }

  long nowNanos() {
    return nowNanos;
  }

  /** When this node last heard from its term's leader (tick clock); meaningful while {@link #leader()} is known. */
  public long lastLeaderContactNanos() {
    return lastLeaderContactNanos;
  }

  NodeId leaderId() {
    return leaderId;
  }

  long lastLogTerm() {
    return log.lastTerm();
  }

  HardState durableHardState() {
    return outbox.durable();
  }

  /** The leader's view of a follower, for tests; null unless this node leads. */
  Progress progressOf(NodeId peer) {
    return role instanceof Leader leader ? leader.progressOf(peer) : null;
  }
}

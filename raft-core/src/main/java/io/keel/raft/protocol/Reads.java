package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import io.keel.raft.NotLeaderException;
import io.keel.raft.RaftConfig;
import io.keel.raft.ReadFailedException;
import io.keel.raft.ReadMode;
import io.keel.raft.message.LeadershipCheck;
import io.keel.raft.message.LeadershipCheckResponse;
import io.keel.raft.message.ReadIndexRequest;
import io.keel.raft.message.ReadIndexResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Linearizable reads by read index (Raft thesis §6.4). On the leader: once an entry of its own
 * term has committed (until then it cannot know the commit index), a read takes the commit index
 * as its read index, and is confirmed when a quorum of the configuration in force has answered a
 * {@link LeadershipCheck} sent after the read arrived: no other leader could have been elected
 * then, so nothing committed later than the read index was committed before the read arrived.
 * Reads that arrive together share one check; one round is in flight at a time, sent again after a
 * heartbeat interval without a quorum. On a follower: the leader is asked for a read index
 * ({@link ReadIndexRequest}), which it confirms the same way. Either way the read is served once
 * this node's state machine has applied the read index: {@link #readIndex()} completes then.
 *
 * <p>With {@link RaftConfig#leaseReads()}, the leader also keeps a lease (thesis §6.4.1): it
 * checks its leadership every heartbeat interval, and while a quorum answered a check sent less
 * than {@link RaftConfig#leaseDuration()} ago, under the configuration still in force, and no
 * leadership transfer has begun in its term, a {@link ReadMode#LEASE} read takes the commit index
 * at once. Voters ignore vote requests for the minimum election timeout after they hear from
 * their leader, so no other leader can be elected within the lease while clocks drift no more
 * than {@link RaftConfig#maxClockDrift()}. A transfer voids the lease for the rest of the term: the
 * target's vote requests override that rule, and its {@code TimeoutNow} may arrive late.
 */
public final class Reads {

  /** A read waiting for its read index, its confirmation, or its apply. */
  private static final class Pending {
    final CompletableFuture<Long> future;
    /** The follower that asked, if the leader serves a follower's read; else null. */
    final NodeId replyTo;
    final long requestId;
    final boolean lease;
    long readIndex;
    long round;
    long term;
    long deadlineNanos;

    Pending(CompletableFuture<Long> future, NodeId replyTo, long requestId, boolean lease) {
      this.future = future;
      this.replyTo = replyTo;
      this.requestId = requestId;
      this.lease = lease;
    }
  }

  private final RaftNode<?> node;
  private final RaftLog log;
  private final long heartbeatNanos;
  private final boolean leaseReads;
  private final long leaseNanos;

  // the leader's side, for the term it leads
  private long round;
  private long roundSentNanos;
  private boolean roundInFlight;
  private final Map<NodeId, Long> acknowledgedRound = new HashMap<>();
  private final ArrayDeque<Pending> unconfirmed = new ArrayDeque<>();
  private final List<Pending> awaitingTermCommit = new ArrayList<>();
  /** Whether a quorum has answered a check in this term: then {@link #leaseStartNanos} counts. */
  private boolean leaseConfirmed;
  /** When the last check a quorum answered was sent, on this node's clock (which may read negative). */
  private long leaseStartNanos;
  /** The configuration in force when that quorum answered: a change voids the lease. */
  private Configuration leaseConfiguration;
  /** Whether a leadership transfer began in this term, which voids the lease for the rest of the term. */
  private boolean transferBegun;
  private long roundsConfirmed;
  private long readsByRound;
  private long readsByLease;

  // the follower's side
  private long nextRequestId;
  /**
   * Requests sent to the leader, oldest first. Each gets the same timeout when sent, and terms only
   * grow, so the ones past their deadline or of an earlier term are always a prefix: a tick looks at
   * no more than those and one more.
   */
  private final Map<Long, Pending> asked = new LinkedHashMap<>();

  /** Reads confirmed and waiting for the state machine to apply their read index. */
  private final PriorityQueue<Pending> awaitingApply = new PriorityQueue<>(Comparator.comparingLong(p -> p.readIndex));

  /**
   * @param randomSeed the node's seed: request numbers start from a number drawn from it, so that an
   *     answer to a request of an earlier incarnation of this node cannot be taken for one to a
   *     request of this one
   */
  Reads(RaftNode<?> node, RaftLog log, RaftConfig config, long randomSeed) {
    this.node = node;
    this.log = log;
    this.heartbeatNanos = config.heartbeatInterval().toNanos();
    this.leaseReads = config.leaseReads();
    this.leaseNanos = config.leaseDuration().toNanos();
    this.nextRequestId = new SplittableRandom(randomSeed).nextLong() >>> 1;
  }

  /**
   * A linearizable read: the future completes, on the node's thread, with a read index once this
   * node's state machine has applied at least that far, so that reading the state machine then
   * sees every write committed before this call. It fails with {@link NotLeaderException} on a
   * node that knows no leader, and with {@link ReadFailedException} if the read index cannot be
   * confirmed (leadership lost, the leader refused or did not answer within an election timeout).
   */
  public CompletableFuture<Long> readIndex() {
    return readIndex(ReadMode.READ_INDEX);
  }

  /**
   * A linearizable read made as {@code mode} says; as {@link #readIndex()} otherwise. A
   * {@link ReadMode#LEASE} read on a node whose configuration has no lease reads fails with an
   * {@link IllegalStateException}; on a follower it asks the leader for a read index.
   */
  public CompletableFuture<Long> readIndex(ReadMode mode) {
    CompletableFuture<Long> future = new CompletableFuture<>();
    if (mode == ReadMode.LEASE && !leaseReads) {
      future.completeExceptionally(new IllegalStateException("a lease read needs RaftConfig.leaseReads, which is off"));
    } else if (node.role() == Role.FAILED) {
      future.completeExceptionally(node.failure().orElseThrow());
    } else if (node.role() == Role.LEADER) {
      leaderRead(new Pending(future, null, 0, mode == ReadMode.LEASE));
    } else if (node.leaderId() != null) {
      Pending pending = new Pending(future, null, nextRequestId++, false);
      pending.term = node.currentTerm();
      pending.deadlineNanos = node.nowNanos() + node.elections().timeoutMinNanos();
      asked.put(pending.requestId, pending);
      node.send(node.leaderId(), new ReadIndexRequest(node.currentTerm(), node.id(), pending.requestId));
    } else {
      future.completeExceptionally(new NotLeaderException(node.id(), null));
    }
    return future;
  }

  /** How many reads wait here, in any stage. */
  public int pending() {
    return unconfirmed.size() + awaitingTermCommit.size() + asked.size() + awaitingApply.size();
  }

  /** How many rounds of leadership checks a quorum confirmed, in this node's life. */
  public long roundsConfirmed() {
    return roundsConfirmed;
  }

  /** How many reads a confirmed round served, this node's own and its followers': with {@link #roundsConfirmed()}, how many share a round. */
  public long readsByRound() {
    return readsByRound;
  }

  /** How many reads the lease served without a round. */
  public long readsByLease() {
    return readsByLease;
  }

  // ---------------------------------------------------------------- the leader's side

  private void leaderRead(Pending read) {
    if (log.term(node.commitIndex()) != node.currentTerm()) {
      awaitingTermCommit.add(read); // thesis §6.4: the commit index is known once an entry of this term commits
      return;
    }
    read.readIndex = node.commitIndex();
    if (read.lease && leaseHolds()) {
      readsByLease++;
      awaitApply(read);
      return;
    }
    read.round = round + 1; // a check sent after the read arrived
    unconfirmed.addLast(read);
    if (!roundInFlight) {
      startRound();
    }
  }

  private void startRound() {
    round++;
    roundInFlight = true;
    roundSentNanos = node.nowNanos();
    for (NodeId voter : node.configuration().members()) {
      if (!voter.equals(node.id()) && node.configuration().isVoter(voter)) {
        node.send(voter, new LeadershipCheck(node.currentTerm(), node.id(), round));
      }
    }
    confirmRounds();
  }

  /** A voter answered a check of this leader's term. */
  String onCheckResponse(LeadershipCheckResponse response) {
    if (response.round() > round) {
      return "confirms leadership check " + response.round() + ", beyond the last sent in term "
          + node.currentTerm() + ", " + round;
    }
    acknowledgedRound.merge(response.from(), response.round(), Math::max);
    confirmRounds();
    return null;
  }

  /** Confirms, in order, every read whose round a quorum has answered; starts the next round if reads wait. */
  private void confirmRounds() {
    while (!unconfirmed.isEmpty() && unconfirmed.peekFirst().round <= round && confirmed(unconfirmed.peekFirst().round)) {
      Pending read = unconfirmed.pollFirst();
      readsByRound++;
      if (read.replyTo != null) {
        node.send(read.replyTo, new ReadIndexResponse(node.currentTerm(), node.id(), read.requestId, read.readIndex, true));
      } else {
        awaitApply(read);
      }
    }
    if (roundInFlight && confirmed(round)) {
      roundInFlight = false;
      roundsConfirmed++;
      leaseConfirmed = true;
      leaseStartNanos = roundSentNanos;
      leaseConfiguration = node.configuration();
    }
    if (!roundInFlight && !unconfirmed.isEmpty()) {
      startRound();
    }
  }

  private boolean confirmed(long checkRound) {
    NodeId self = node.id();
    return Quorum.isQuorum(node.configuration(),
        voter -> voter.equals(self) || acknowledgedRound.getOrDefault(voter, 0L) >= checkRound);
  }

  /** The commit index advanced on the leader: reads that waited for an entry of its term go on. */
  void onCommit() {
    if (!awaitingTermCommit.isEmpty() && log.term(node.commitIndex()) == node.currentTerm()) {
      List<Pending> ready = new ArrayList<>(awaitingTermCommit);
      awaitingTermCommit.clear();
      ready.forEach(this::leaderRead);
    }
  }

  /**
   * A heartbeat interval passed on the leader: a check without a quorum is sent again; with lease
   * reads, a new check renews the lease.
   */
  void onHeartbeat() {
    if (roundInFlight ? node.nowNanos() - roundSentNanos >= heartbeatNanos : leaseReads) {
      startRound();
    }
  }

  /** Whether the lease lets this leader serve a read without a round now. */
  private boolean leaseHolds() {
    return leaseConfirmed && !transferBegun && node.configuration().equals(leaseConfiguration)
        && node.nowNanos() - leaseStartNanos < leaseNanos;
  }

  /** The leader sent {@code TimeoutNow}: the target may be elected despite the vote lease, so no lease holds in this term. */
  void onTransferBegun() {
    transferBegun = true;
  }

  /** The node stops leading: the reads it has not confirmed fail; those confirmed wait for their apply. */
  void onLeadershipLost() {
    ReadFailedException lost = new ReadFailedException(node.id() + " stopped leading term " + node.currentTerm()
        + " before a quorum confirmed the read");
    for (Pending read : unconfirmed) {
      refuse(read, lost);
    }
    for (Pending read : awaitingTermCommit) {
      refuse(read, lost);
    }
    unconfirmed.clear();
    awaitingTermCommit.clear();
    acknowledgedRound.clear();
    roundInFlight = false;
    round = 0;
    leaseConfirmed = false;
    leaseConfiguration = null;
    transferBegun = false;
  }

  /** A follower asks this node for a read index. */
  void onReadIndexRequest(ReadIndexRequest request) {
    Pending read = new Pending(null, request.from(), request.requestId(), false);
    if (node.role() == Role.LEADER) {
      leaderRead(read);
    } else {
      refuse(read, null);
    }
  }

  private void refuse(Pending read, RuntimeException cause) {
    if (read.replyTo != null) {
      node.send(read.replyTo, new ReadIndexResponse(node.currentTerm(), node.id(), read.requestId, 0, false));
    } else {
      read.future.completeExceptionally(cause);
    }
  }

  // ---------------------------------------------------------------- the follower's side

  /** The leader answered a read index request of this node. */
  void onReadIndexResponse(ReadIndexResponse response) {
    Pending read = asked.get(response.requestId());
    if (read == null || !response.from().equals(node.leaderId())) {
      return; // an answer to a request given up, or from a node that is not this node's leader
    }
    asked.remove(response.requestId());
    if (!response.ok()) {
      read.future.completeExceptionally(new ReadFailedException(response.from() + " refused the read index: it "
          + "does not lead term " + node.currentTerm() + " any more"));
      return;
    }
    read.readIndex = response.readIndex();
    awaitApply(read);
  }

  /**
   * The time advanced: a follower's requests past their deadline, or of an earlier term, fail. They
   * are the oldest ({@link #asked}), so the first request that is neither ends the walk.
   */
  void onTick() {
    if (asked.isEmpty()) {
      return; // no iterator made on the ticks of a node that asks nothing
    }
    for (Iterator<Pending> it = asked.values().iterator(); it.hasNext(); ) {
      Pending read = it.next();
      if (read.term == node.currentTerm() && node.nowNanos() < read.deadlineNanos) {
        return;
      }
      it.remove();
      read.future.completeExceptionally(new ReadFailedException(node.id() + " got no read index from its leader "
          + (read.term != node.currentTerm() ? "before term " + read.term + " ended" : "within an election timeout")));
    }
  }

  // ---------------------------------------------------------------- serving

  private void awaitApply(Pending read) {
    if (node.lastApplied() >= read.readIndex) {
      read.future.complete(read.readIndex);
    } else {
      awaitingApply.add(read);
    }
  }

  /** The state machine applied up to {@code appliedIndex}: reads that waited for it are served. */
  void onApplied(long appliedIndex) {
    while (!awaitingApply.isEmpty() && awaitingApply.peek().readIndex <= appliedIndex) {
      Pending read = awaitingApply.poll();
      read.future.complete(read.readIndex);
    }
  }

  /** The node stopped: every read waiting here fails with {@code reason}. */
  void onStop(RuntimeException reason) {
    List<Pending> all = new ArrayList<>(unconfirmed);
    all.addAll(awaitingTermCommit);
    all.addAll(asked.values());
    all.addAll(awaitingApply);
    unconfirmed.clear();
    awaitingTermCommit.clear();
    asked.clear();
    awaitingApply.clear();
    for (Pending read : all) {
      if (read.future != null) {
        read.future.completeExceptionally(reason);
      }
    }
  }
}

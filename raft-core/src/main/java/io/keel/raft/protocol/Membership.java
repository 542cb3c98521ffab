package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationChange;
import io.keel.raft.ConfigurationChangeException;
import io.keel.raft.LeadershipTransferException;
import io.keel.raft.NodeId;
import io.keel.raft.NotLeaderException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A node's view of its group's members, and the administration of membership (Raft thesis
 * chapter 4 and §3.10): the configuration in force, changes of members by joint consensus, and
 * leadership transfer. Changes and transfers are made on the leader; like every call into the
 * node, these come from the node's thread.
 */
public final class Membership {

  private final RaftNode<?> node;
  private final RaftLog log;
  /** The leadership transfer under way, begun by this node as leader; null if none. */
  private LeadershipTransfer transfer;

  Membership(RaftNode<?> node, RaftLog log) {
    this.node = node;
    this.log = log;
  }

  /**
   * The configuration in force here: the newest in this node's log, committed or not (thesis
   * §4.1). {@link Configuration#NONE} on a node started to join a group, until the leader sends
   * it one.
   */
  public Configuration configuration() {
    return log.configurations().latest();
  }

  /**
   * The configuration whose members this node must be able to reach: the one in force, or, on a
   * leader bringing new voters up to date before a change, that one with them added as learners,
   * at the addresses the change gives them. The same object until it changes.
   */
  public Configuration peers() {
    Configuration catchingUp = node.role() == Role.LEADER ? ((Leader) node.roleState()).changes().toReach() : null;
    return catchingUp != null ? catchingUp : configuration();
  }

  /** The index of the entry that carries {@link #configuration()} (0 for the one the group started with). */
  public long configurationIndex() {
    return log.configurations().latestIndex();
  }

  /**
   * The configuration in force at {@code index}: what a snapshot through {@code index} records.
   *
   * @throws IllegalArgumentException if {@code index} lies before the oldest configuration known
   *     (before the log's start)
   */
  public Configuration configurationAt(long index) {
    return log.configurations().at(index);
  }

  /**
   * Changes the group's members ({@link MembershipChanges}). The future completes with the new
   * configuration once it has committed. It fails with {@link NotLeaderException} on a node that
   * does not lead, with {@link ConfigurationChangeException} if the change is refused or its new
   * voters do not catch up in time, and with {@link io.keel.raft.LeadershipLostException} if this
   * node stops leading once the change has begun (its outcome is then unknown).
   */
  public CompletableFuture<Configuration> change(ConfigurationChange change) {
    Objects.requireNonNull(change, "change");
    Leader leader = leader();
    return leader == null ? notLeader() : leader.changes().request(change);
  }

  /**
   * Hands leadership to {@code target}, or, if null, to the voter whose log is most up to date.
   * Meanwhile this node refuses proposals with {@link LeadershipTransferException}. The future
   * completes with the new leader's id once this node hears from it as leader; it fails if the
   * transfer is refused (this node does not lead, a transfer or a membership change is under way,
   * the target is no voter) or abandoned after an election timeout, when this node serves again.
   */
  public CompletableFuture<NodeId> transferLeadership(NodeId target) {
    Leader leader = leader();
    if (leader == null) {
      return notLeader();
    }
    NodeId chosen = target != null ? target : leader.mostUpToDateVoter();
    String invalid = transfer != null ? "a transfer to " + transfer.target() + " is under way"
        : chosen == null ? "there is no other voter to hand leadership to"
        : !configuration().voters().contains(chosen) ? chosen + " is no voter of " + configuration()
        : leader.changes().isChanging() ? "a membership change is under way" : null;
    if (invalid != null) {
      return CompletableFuture.failedFuture(new LeadershipTransferException("cannot transfer leadership: " + invalid));
    }
    if (chosen.equals(node.id())) {
      return CompletableFuture.completedFuture(chosen);
    }
    transfer = new LeadershipTransfer(chosen, node.nowNanos() + node.elections().timeoutMinNanos());
    leader.sendTimeoutNowIfReady();
    return transfer.future();
  }

  /** The target of the leadership transfer this node has under way as leader, or null. */
  public NodeId transferTarget() {
    return transfer == null ? null : transfer.target();
  }

  /** The time advanced: a transfer past its deadline is abandoned. */
  void onTick() {
    if (transfer != null && transfer.onTick(node.nowNanos(), node.id(), node.role() == Role.LEADER)) {
      transfer = null;
    }
  }

  /** This node learnt who leads its term: a transfer under way is over. */
  void onLeaderKnown(NodeId leader) {
    if (transfer != null && !leader.equals(node.id()) && transfer.onLeaderKnown(leader, node.currentTerm())) {
      transfer = null;
    }
  }

  /** The node stopped for good: a transfer under way fails with {@code reason}. */
  void onStop(RuntimeException reason) {
    if (transfer != null) {
      transfer.future().completeExceptionally(reason);
      transfer = null;
    }
  }

  private Leader leader() {
    return node.role() == Role.LEADER ? (Leader) node.roleState() : null;
  }

  private <T> CompletableFuture<T> notLeader() {
    RuntimeException failure = node.failure().orElse(null);
    return CompletableFuture.failedFuture(failure != null ? failure : new NotLeaderException(node.id(),
        node.leader().orElse(null)));
  }
}

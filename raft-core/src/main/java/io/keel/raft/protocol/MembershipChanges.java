package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationChange;
import io.keel.raft.ConfigurationChangeException;
import io.keel.raft.ConfigurationChangeException.Reason;
import io.keel.raft.LeadershipLostException;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The leader's side of membership change by joint consensus (Raft thesis §4.3). One change at a
 * time: a change is refused while the log holds an uncommitted or joint configuration, while a
 * leadership transfer is under way, and until the leader has committed an entry of its own term
 * (which commits every configuration an earlier leader left in its log; the rule that closes the
 * hole Ongaro described on raft-dev in 2015).
 *
 * <p>A change first waits for the nodes it makes voters to catch up ({@link CatchUpRounds}: a round
 * of replication that ends within an election timeout, leaving them within
 * {@link RaftConfig#maxCatchUpLag()} entries of the leader's log; thesis §4.2.1); nodes not yet
 * members are replicated to meanwhile. Then the leader appends C<sub>old,new</sub>, and once that
 * commits, C<sub>new</sub>; a change of learners alone goes straight to C<sub>new</sub>. The
 * change's future completes when C<sub>new</sub> commits. Any leader, finding a committed joint
 * configuration in force, appends its C<sub>new</sub>, so a change outlives the leader that began
 * it; and a leader that C<sub>new</sub> leaves out steps down once it commits.
 */
final class MembershipChanges {

  /** The change being made and its caller's future. */
  private record Pending(ConfigurationChange change, Configuration target, Set<NodeId> newVoters,
      long deadlineNanos, CompletableFuture<Configuration> future, Configuration toReach, CatchUpRounds rounds) {}

  private final RaftNode<?> node;
  private final Leader leader;
  private final RaftLog log;
  private final RaftConfig config;
  private Pending pending;
  /** Whether the pending change's first configuration is in the log. */
  private boolean appended;

  MembershipChanges(RaftNode<?> node, Leader leader, RaftLog log, RaftConfig config) {
    this.node = node;
    this.leader = leader;
    this.log = log;
    this.config = config;
  }

  /** Starts {@code change}, or refuses it; the future completes when the change has committed. */
  CompletableFuture<Configuration> request(ConfigurationChange change) {
    ConfigurationLog configurations = log.configurations();
    Configuration current = configurations.latest();
    String busy = pending != null ? "the change " + pending.change() + " is under way"
        : current.isJoint() || configurations.latestIndex() > node.commitIndex()
            ? "the configuration at " + configurations.latestIndex() + " (" + current + ") is not yet final"
        : node.membership().transferTarget() != null ? "leadership is being transferred to " + node.membership().transferTarget() : null;
    if (busy != null) {
      return refused(Reason.IN_PROGRESS, "cannot start " + change + ": " + busy);
    }
    if (log.term(node.commitIndex()) != node.currentTerm()) {
      return refused(Reason.NOT_READY, "cannot start " + change + ": leader " + node.id()
          + " has not yet committed an entry of its term " + node.currentTerm());
    }
    Configuration target;
    try {
      target = change.applyTo(current);
    } catch (ConfigurationChangeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Set<NodeId> newVoters = new TreeSet<>(target.voters());
    newVoters.removeAll(current.voters());
    pending = new Pending(change, target, newVoters, node.nowNanos() + config.catchUpTimeout().toNanos(),
        new CompletableFuture<>(), withCatchingUp(current, target, newVoters),
        new CatchUpRounds(newVoters, log.lastIndex(), node.nowNanos()));
    appended = false;
    CompletableFuture<Configuration> future = pending.future();
    leader.syncMembers();
    onProgress();
    return future;
  }

  /**
   * The configuration whose members the leader must reach: while new voters catch up, the one in
   * force with them added as learners, at the addresses the change gives them; else null.
   */
  Configuration toReach() {
    return pending == null || appended ? null : pending.toReach();
  }

  private static Configuration withCatchingUp(Configuration current, Configuration target, Set<NodeId> newVoters) {
    TreeSet<NodeId> learners = new TreeSet<>(current.learners());
    learners.addAll(newVoters);
    TreeMap<NodeId, String> addresses = new TreeMap<>(current.addresses());
    for (NodeId voter : newVoters) {
      target.address(voter).ifPresent(address -> addresses.put(voter, address));
    }
    return new Configuration(current.voters(), current.outgoingVoters(), learners, addresses);
  }

  /** Nodes that are no members but that the leader replicates to, so that they catch up before a change. */
  Set<NodeId> catchingUp() {
    if (pending == null || appended) {
      return Set.of();
    }
    Set<NodeId> outside = new TreeSet<>(pending.newVoters());
    outside.removeIf(log.configurations().latest()::isMember);
    return outside;
  }

  /**
   * A follower acknowledged entries, or a heartbeat interval passed: once every new voter has
   * caught up, the change's first configuration is appended; past the catch-up timeout, the
   * change fails.
   */
  void onProgress() {
    if (pending == null || appended) {
      return;
    }
    if (node.nowNanos() >= pending.deadlineNanos()) {
      fail(new ConfigurationChangeException(Reason.NOT_CAUGHT_UP, "cannot " + pending.change() + ": "
          + lagging() + " did not catch up within " + config.catchUpTimeout().toMillis() + " ms"));
      leader.syncMembers();
      return;
    }
    if (!lagging().isEmpty()) {
      return;
    }
    appended = true;
    Configuration current = log.configurations().latest();
    Configuration target = pending.target();
    leader.appendConfiguration(current.voters().equals(target.voters()) ? target : joint(current, target));
  }

  /**
   * The commit index advanced: a committed joint configuration is followed by its
   * C<sub>new</sub>; a committed C<sub>new</sub> completes the change, and deposes this leader if
   * it is no voter there.
   */
  void onCommit() {
    ConfigurationLog configurations = log.configurations();
    if (configurations.latestIndex() > node.commitIndex()) {
      return;
    }
    Configuration latest = configurations.latest();
    if (latest.isJoint()) {
      leader.appendConfiguration(latest.leaveJoint());
      return;
    }
    if (pending != null && appended) {
      CompletableFuture<Configuration> future = pending.future();
      pending = null;
      future.complete(latest);
    }
    if (!latest.isVoter(node.id())) {
      node.elections().stepDown("it is no voter of the committed configuration " + latest);
    }
  }

  /** The leader stops leading: the change's outcome is unknown if its first configuration is in the log. */
  void onLeadershipLost() {
    if (pending != null) {
      fail(appended ? new LeadershipLostException(node.id(), node.currentTerm(), log.configurations().latestIndex())
          : new ConfigurationChangeException(Reason.IN_PROGRESS, "cannot " + pending.change() + ": " + node.id()
              + " stopped leading before the change began"));
    }
  }

  /** Whether a change is under way (begun here, or a configuration not yet final). */
  boolean isChanging() {
    return pending != null || log.configurations().latest().isJoint()
        || log.configurations().latestIndex() > node.commitIndex();
  }

  private Set<NodeId> lagging() {
    return pending.rounds().lagging(leader, log.lastIndex(), node.nowNanos(), node.elections().timeoutMinNanos(),
        config.maxCatchUpLag());
  }

  private void fail(RuntimeException cause) {
    CompletableFuture<Configuration> future = pending.future();
    pending = null;
    future.completeExceptionally(cause);
  }

  private static CompletableFuture<Configuration> refused(Reason reason, String message) {
    return CompletableFuture.failedFuture(new ConfigurationChangeException(reason, message));
  }

  /**
   * C<sub>old,new</sub>: the target's voters and learners, with the current voters as outgoing
   * voters, and the addresses of every member of either.
   */
  static Configuration joint(Configuration current, Configuration target) {
    TreeMap<NodeId, String> addresses = new TreeMap<>(current.addresses());
    addresses.putAll(target.addresses());
    addresses.keySet().removeIf(member -> !target.isMember(member) && !current.isVoter(member));
    return new Configuration(target.voters(), current.voters(), target.learners(), addresses);
  }
}

package io.keel.sim;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationChange;
import io.keel.raft.NodeId;
import io.keel.raft.protocol.RaftNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Carries out {@link Fault.Membership} faults: asks the leader of the moment for a membership change
 * or a leadership transfer, choosing the nodes from its configuration in force, and notes in the
 * trace what it asked and, later, how it ended. The leader may refuse (a change under way, a leader
 * that has not committed in its term yet): that is part of the test, not a fault of the run.
 *
 * @param <R> the state machine's result type
 */
final class MembershipNemesis<R> {

  /** What the nemesis needs of the simulation. */
  interface Host<R> {
    List<SimulatedNode<R>> nodes();

    /** The live leader of the highest term, or null. */
    SimulatedNode<R> leader();

    /** Runs {@code action} on {@code node}'s Raft node as an event of its own (time first, checks after). */
    void act(SimulatedNode<R> node, Consumer<RaftNode<R>> action);

    /** Writes {@code text} to the run's trace. */
    void note(String text);
  }

  private final Host<R> host;
  private final SimRandom random;
  private final int founders;
  /** How many changes and transfers were asked, and how many completed. */
  long requested;
  long completed;

  MembershipNemesis(Host<R> host, SimRandom random, int founders) {
    this.host = host;
    this.random = random;
    this.founders = founders;
  }

  void inject(Fault.Membership fault) {
    SimulatedNode<R> leader = host.leader();
    if (leader == null) {
      host.note(fault.describe() + ": no leader, nothing asked");
      return;
    }
    Configuration configuration = leader.raft().configuration();
    NodeId self = leader.id();
    NodeId named = fault.node() > 0 ? host.nodes().get(fault.node() - 1).id() : null;
    switch (fault.op()) {
      case GROW -> change(leader, pick(nonMembers(configuration)), id -> ConfigurationChange.addVoter(id, null));
      case ADD_LEARNER -> change(leader, pick(nonMembers(configuration)), id -> ConfigurationChange.addLearner(id, null));
      case PROMOTE -> change(leader, pick(new ArrayList<>(configuration.learners())), ConfigurationChange::promote);
      case SHRINK -> change(leader, configuration.voters().size() > Math.min(3, founders)
          ? pick(others(configuration, self)) : null, ConfigurationChange::remove);
      case REPLACE -> replace(leader, configuration);
      case ADD -> change(leader, named, id -> ConfigurationChange.addVoter(id, null));
      case REMOVE -> change(leader, named, ConfigurationChange::remove);
      case TRANSFER -> transfer(leader, pick(others(configuration, self)));
      case TRANSFER_LAGGING -> transfer(leader, mostLagging(leader.raft(), others(configuration, self)));
      case TRANSFER_TO -> transfer(leader, named);
    }
  }

  /** A voter (perhaps the leader) is removed, and a spare that never ran added, in one change. */
  private void replace(SimulatedNode<R> leader, Configuration configuration) {
    List<NodeId> empty = new ArrayList<>();
    for (SimulatedNode<R> node : host.nodes()) {
      if (!configuration.isMember(node.id()) && neverRan(node)) {
        empty.add(node.id());
      }
    }
    NodeId fresh = pick(empty);
    NodeId victim = pick(new ArrayList<>(configuration.voters()));
    if (fresh == null || victim == null) {
      host.note("membership replace: no new empty node left, nothing asked");
      return;
    }
    submit(leader, "replace " + victim + " with " + fresh, raft -> raft.membership().change(
        ConfigurationChange.builder().remove(victim).addVoter(fresh, null).build()));
  }

  private void change(SimulatedNode<R> leader, NodeId node, Function<NodeId, ConfigurationChange> op) {
    if (node == null) {
      host.note("membership: no node to change, nothing asked");
      return;
    }
    ConfigurationChange change = op.apply(node);
    submit(leader, change.toString(), raft -> raft.membership().change(change));
  }

  private void transfer(SimulatedNode<R> leader, NodeId target) {
    if (target == null) {
      host.note("transfer: no other voter, nothing asked");
      return;
    }
    submit(leader, "transfer leadership to " + target, raft -> raft.membership().transferLeadership(target));
  }

  private void submit(SimulatedNode<R> leader, String what,
      Function<RaftNode<R>, CompletableFuture<?>> request) {
    requested++;
    host.note(leader.id() + " asked: " + what);
    host.act(leader, raft -> request.apply(raft).whenComplete((result, failure) -> {
      if (failure == null) {
        completed++;
      }
      host.note(what + (failure == null ? ": done, " + result : ": failed, " + failure));
    }));
  }

  private List<NodeId> nonMembers(Configuration configuration) {
    List<NodeId> outside = new ArrayList<>();
    for (SimulatedNode<R> node : host.nodes()) {
      if (!configuration.isMember(node.id())) {
        outside.add(node.id());
      }
    }
    return outside;
  }

  private static List<NodeId> others(Configuration configuration, NodeId self) {
    List<NodeId> others = new ArrayList<>(configuration.voters());
    others.remove(self);
    return others;
  }

  private static NodeId mostLagging(RaftNode<?> leader, List<NodeId> voters) {
    NodeId lagging = null;
    for (NodeId voter : voters) {
      if (lagging == null || leader.matchIndex(voter) < leader.matchIndex(lagging)) {
        lagging = voter;
      }
    }
    return lagging;
  }

  private static boolean neverRan(SimulatedNode<?> node) {
    return node.disk().lastIndex() == 0 && node.disk().hardState().term() == 0
        && node.durableSnapshotIndex() == 0;
  }

  private NodeId pick(List<NodeId> nodes) {
    return nodes.isEmpty() ? null : nodes.get((int) random.nextLong(nodes.size()));
  }
}

package io.keel.sim;

import io.keel.raft.NodeId;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.sim.EventQueue.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Carries out the faults of a run as their times come: crashes and restarts, partitions, pauses,
 * slow and failing disks, clock jumps, lies, the heal; and the faults that wait for a moment of the
 * protocol ({@link Fault.MomentFault}), which it checks after every node event while one is armed.
 *
 * @param <R> the state machine's result type
 */
final class FaultInjector<R> {

  /** What the injector needs of the simulation it serves. */
  interface Host<R> {
    List<SimulatedNode<R>> nodes();

    long nowNanos();

    long maxTerm();

    void crash(SimulatedNode<R> node);

    void restart(SimulatedNode<R> node);

    void proposeScripted(int node);

    /** Writes {@code text} to the run's trace, as a fault line. */
    void note(String text);

    /** Runs {@code action} on {@code node}'s Raft node as an event of its own (time first, checks after). */
    void act(SimulatedNode<R> node, Consumer<RaftNode<R>> action);
  }

  private final Host<R> host;
  private final SimNetwork network;
  private final EventQueue queue;
  private final FaultSchedule schedule;
  private final Rogue rogue;
  private final SimRandom random;
  private final List<Fault.MomentFault> armed = new ArrayList<>();
  private final List<Figure8Attack<R>> attacks = new ArrayList<>();
  int pauses;
  int partitions;
  final MembershipNemesis<R> membership;

  FaultInjector(Host<R> host, SimNetwork network, EventQueue queue, FaultSchedule schedule, Rogue rogue,
      SimRandom random, int founders) {
    this.membership = new MembershipNemesis<>(new MembershipNemesis.Host<>() {
      @Override
      public List<SimulatedNode<R>> nodes() {
        return host.nodes();
      }

      @Override
      public SimulatedNode<R> leader() {
        return FaultInjector.this.leader();
      }

      @Override
      public void act(SimulatedNode<R> node, Consumer<RaftNode<R>> action) {
        host.act(node, action);
      }

      @Override
      public void note(String text) {
        host.note(text);
      }
    }, random, founders);
    this.host = host;
    this.network = network;
    this.queue = queue;
    this.schedule = schedule;
    this.rogue = rogue;
    this.random = random;
  }

  /** Carries out {@code fault} now. */
  void inject(Fault fault) {
    List<SimulatedNode<R>> nodes = host.nodes();
    long now = host.nowNanos();
    if (fault instanceof Fault.Crash crash) {
      host.crash(nodes.get(crash.node() - 1));
    } else if (fault instanceof Fault.Restart restart) {
      host.restart(nodes.get(restart.node() - 1));
    } else if (fault instanceof Fault.CrashLeader) {
      SimulatedNode<R> leader = leader();
      if (leader != null) {
        host.crash(leader);
      }
    } else if (fault instanceof Fault.IsolateLeader) {
      SimulatedNode<R> leader = leader();
      if (leader != null) {
        cut(Partition.isolate(nodes.size(), leader.number()));
      }
    } else if (fault instanceof Fault.IsolateLeaderWithMinority) {
      SimulatedNode<R> leader = leader();
      if (leader != null) {
        cut(withMinority(leader.number(), randomCompanions(leader.number())));
      }
    } else if (fault instanceof Fault.MomentFault moment) {
      armed.add(moment);
    } else if (fault instanceof Fault.Figure8) {
      attacks.add(new Figure8Attack<>(figure8Moves()));
    } else if (fault instanceof Fault.Propose propose) {
      host.proposeScripted(propose.node());
    } else if (fault instanceof Fault.Cut cut) {
      network.partition(cut.partition());
      partitions += cut.partition().isNone() ? 0 : 1;
    } else if (fault instanceof Fault.Pause pause) {
      pause(nodes.get(pause.node() - 1), now + pause.duration().toNanos());
    } else if (fault instanceof Fault.SlowDisk slow) {
      nodes.get(slow.node() - 1).disk().slowDown(slow.factor(), now + slow.duration().toNanos());
    } else if (fault instanceof Fault.DiskError error) {
      nodes.get(error.node() - 1).disk().failNextSync();
    } else if (fault instanceof Fault.ClockJump jump) {
      nodes.get(jump.node() - 1).clock().jump(jump.amount().toNanos());
      queue.schedule(now, Kind.RESUME, jump.node(), null, 0);
    } else if (fault instanceof Fault.Network change) {
      network.model(change.model());
    } else if (fault instanceof Fault.Lie lie) {
      lie(lie);
    } else if (fault instanceof Fault.Membership change) {
      membership.inject(change);
    } else if (fault instanceof Fault.Heal) {
      heal();
    }
  }

  /**
   * After an event of {@code touched}: strikes each armed moment fault whose moment has come. Cheap
   * when none is armed, which is most of the time.
   */
  void afterEvent(SimulatedNode<R> touched) {
    if ((armed.isEmpty() && attacks.isEmpty()) || touched == null || touched.isCrashed()) {
      return;
    }
    if (!attacks.isEmpty()) {
      attacks.get(0).afterEvent(touched); // one attack at a time: each needs the cluster to itself
      if (attacks.get(0).done()) {
        attacks.remove(0);
      }
      if (touched.isCrashed()) {
        return;
      }
    }
    for (int i = 0; i < armed.size(); i++) {
      Fault.MomentFault moment = armed.get(i);
      if (strikes(moment, touched)) {
        armed.remove(i);
        return; // one fault per event, so that each strikes on a state of its own
      }
    }
  }

  private boolean strikes(Fault.MomentFault fault, SimulatedNode<R> touched) {
    RaftNode<R> raft = touched.raft();
    switch (fault.moment()) {
      case LEADS -> {
        if (raft.role() != Role.LEADER) {
          return false;
        }
        crashFor(touched, fault);
      }
      case LEADER_UNREPLICATED -> {
        if (raft.role() != Role.LEADER || raft.durableIndex() <= maxMatchIndex(raft)
            || raft.durableIndex() <= raft.commitIndex()) {
          return false;
        }
        crashFor(touched, fault);
      }
      case VOTE_NOT_DURABLE -> {
        SimulatedDisk disk = touched.disk();
        if (disk.hardState().votedFor() == null || disk.hardState().equals(disk.durableHardState())) {
          return false;
        }
        crashFor(touched, fault);
      }
      case MINORITY_ACKNOWLEDGED -> {
        List<Integer> holders = holdersOfUncommitted(touched);
        int majority = host.nodes().size() / 2 + 1;
        if (holders.isEmpty() || holders.size() + 1 >= majority) {
          return false;
        }
        cut(withMinority(touched.number(), holders));
      }
      default -> throw new IllegalStateException("unknown moment " + fault.moment());
    }
    return true;
  }

  private void crashFor(SimulatedNode<R> node, Fault.MomentFault fault) {
    host.crash(node);
    queue.schedule(host.nowNanos() + Math.max(1, fault.downtime().toNanos()), Kind.FAULT, 0,
        new Fault.Restart(node.number()), 0);
  }

  /** The followers of a leader that hold entries beyond its commit index, or none if it does not lead. */
  private List<Integer> holdersOfUncommitted(SimulatedNode<R> leader) {
    List<Integer> holders = new ArrayList<>();
    RaftNode<R> raft = leader.raft();
    if (raft.role() != Role.LEADER) {
      return holders;
    }
    for (Map.Entry<NodeId, Long> match : raft.matchIndexes().entrySet()) {
      if (match.getValue() > raft.commitIndex()) {
        holders.add(numberOf(match.getKey()));
      }
    }
    return holders;
  }

  private static long maxMatchIndex(RaftNode<?> leader) {
    long max = 0;
    for (long match : leader.matchIndexes().values()) {
      max = Math.max(max, match);
    }
    return max;
  }

  private int numberOf(NodeId id) {
    for (SimulatedNode<R> node : host.nodes()) {
      if (node.id().equals(id)) {
        return node.number();
      }
    }
    throw new IllegalArgumentException("no node " + id);
  }

  /** A random minority of the nodes other than {@code leader}, to stay with it (possibly none). */
  private List<Integer> randomCompanions(int leader) {
    int size = host.nodes().size();
    int companions = (int) random.nextLong((size + 1) / 2); // 0 .. majority - 2
    List<Integer> others = new ArrayList<>();
    for (int node = 1; node <= size; node++) {
      if (node != leader) {
        others.add(node);
      }
    }
    List<Integer> chosen = new ArrayList<>();
    for (int i = 0; i < companions && !others.isEmpty(); i++) {
      chosen.add(others.remove((int) random.nextLong(others.size())));
    }
    return chosen;
  }

  private Partition withMinority(int leader, List<Integer> companions) {
    int size = host.nodes().size();
    int[] side = new int[companions.size() + 1];
    side[0] = leader;
    for (int i = 0; i < companions.size(); i++) {
      side[i + 1] = companions.get(i);
    }
    return side.length == size ? Partition.none(size) : Partition.split(size, side);
  }

  private void cut(Partition partition) {
    network.partition(partition);
    partitions += partition.isNone() ? 0 : 1;
  }

  private void pause(SimulatedNode<R> node, long untilNanos) {
    if (!node.isCrashed()) {
      pauses++;
      node.pauseUntil(untilNanos);
      queue.schedule(node.pausedUntilNanos(), Kind.RESUME, node.number(), null, 0);
    }
  }

  /** Sends forged messages in the liar's name to random other nodes, through the network. */
  private void lie(Fault.Lie lie) {
    List<SimulatedNode<R>> nodes = host.nodes();
    long longestLog = 0;
    for (SimulatedNode<R> node : nodes) {
      longestLog = Math.max(longestLog, node.disk().lastIndex());
    }
    NodeId liar = nodes.get(lie.node() - 1).id();
    for (int i = 0; i < lie.count() && nodes.size() > 1; i++) {
      network.send(lie.node(), rogue.target(lie.node(), nodes.size()), rogue.forge(liar, host.maxTerm(), longestLog),
          host.nowNanos());
    }
  }

  /** Every fault ends: the network heals, disks recover, failed and crashed nodes restart, pauses end. */
  private void heal() {
    List<SimulatedNode<R>> nodes = host.nodes();
    armed.clear();
    attacks.clear();
    network.partition(Partition.none(nodes.size()));
    network.model(schedule.network().healed());
    for (SimulatedNode<R> node : nodes) {
      node.disk().heal();
      if (!node.isCrashed() && (node.disk().failed() || node.raft().role() == Role.FAILED)) {
        host.crash(node);
      }
      if (node.isCrashed()) {
        host.restart(node);
      } else if (host.nowNanos() < node.pausedUntilNanos()) {
        node.resume();
        queue.schedule(host.nowNanos(), Kind.RESUME, node.number(), null, 0);
      }
    }
  }

  private Figure8Attack.Moves<R> figure8Moves() {
    return new Figure8Attack.Moves<>() {
      @Override
      public void crash(SimulatedNode<R> node) {
        host.note("figure-8: crash " + node.id());
        host.crash(node);
      }

      @Override
      public void restartCampaigning(SimulatedNode<R> node) {
        host.note("figure-8: restart " + node.id() + ", campaigning at once");
        host.restart(node);
        node.clock().jump(CAMPAIGN_JUMP_NANOS);
        queue.schedule(host.nowNanos(), Kind.RESUME, node.number(), null, 0);
      }

      @Override
      public void isolate(SimulatedNode<R> node) {
        host.note("figure-8: isolate " + node.id());
        cut(Partition.isolate(host.nodes().size(), node.number()));
      }

      @Override
      public void abandon(SimulatedNode<R> node) {
        host.note("figure-8: abandoned, the new leader holds the old entries; restart " + node.id());
        cut(Partition.none(host.nodes().size()));
        host.restart(node);
      }

      @Override
      public void healCut(long afterNanos) {
        queue.schedule(host.nowNanos() + afterNanos, Kind.FAULT, 0, new Fault.Cut(Partition.none(host.nodes().size())), 0);
      }

      @Override
      public List<SimulatedNode<R>> nodes() {
        return host.nodes();
      }
    };
  }

  /** How much a clock jumps so that its node's election timer has run out: more than any timeout drawn. */
  private static final long CAMPAIGN_JUMP_NANOS = 2_000_000_000L;

  /** How many messages the liar has forged. */
  long messagesForged() {
    return rogue.forged;
  }

  /** The live leader of the highest term, or null. */
  SimulatedNode<R> leader() {
    SimulatedNode<R> found = null;
    for (SimulatedNode<R> node : host.nodes()) {
      if (!node.isCrashed() && node.raft().role() == Role.LEADER
          && (found == null || node.raft().currentTerm() > found.raft().currentTerm())) {
        found = node;
      }
    }
    return found;
  }
}

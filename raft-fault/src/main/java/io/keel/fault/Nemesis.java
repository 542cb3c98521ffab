package io.keel.fault;

import io.keel.kv.resp.RespReply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Injects faults, one at a time, drawn from a seeded {@link Random} so that a run can be repeated:
 * each fault is held for a while, then undone, then the cluster gets a short breather. {@link #healAll}
 * undoes everything at the end: every link whole, every process running and resumed, every node a
 * voter of every group again. Each fault is logged with its time since the start of the run.
 */
final class Nemesis {

  /** The kinds of fault. Link faults need a {@link Network} that has them. */
  enum Fault {
    /** SIGKILL one or two nodes (sometimes a leader), restart them later on their data. */
    KILL(false),
    /** SIGSTOP one or two nodes for longer than an election timeout, then SIGCONT. */
    PAUSE(false),
    /** Split the nodes into a majority and a minority. */
    PARTITION(true),
    /** Cut a group's leader off from every other node. */
    ISOLATE_LEADER(true),
    /** Two halves that reach each other only through one node in the middle. */
    BRIDGE(true),
    /** Cut a few links in one direction only. */
    ONE_WAY(true),
    /** Slow a few links by 50 to 400 ms each way. */
    DELAY(true),
    /** Drop 5 to 40 percent of the packets on a few links. */
    LOSS(true),
    /** Hand a group's leadership to another node. */
    TRANSFER(false),
    /** Remove a node from every group, then add it back, its data kept. */
    REMOVE_READD(false),
    /** Replace a node by an empty one of the same id: kill it, wipe it, remove it, start it empty, add it. */
    REPLACE(false);

    final boolean link;

    Fault(boolean link) {
      this.link = link;
    }
  }

  private final FaultCluster cluster;
  private final Random random;
  private final List<Fault> faults;
  private final long startNanos;
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final Map<Fault, Integer> injected = new TreeMap<>();

  Nemesis(FaultCluster cluster, long seed, Set<Fault> enabled, long startNanos) {
    this.cluster = cluster;
    this.random = new Random(seed);
    EnumSet<Fault> usable = EnumSet.copyOf(enabled);
    if (!cluster.network().linkFaults()) {
      usable.removeIf(fault -> fault.link);
    }
    this.faults = List.copyOf(usable);
    this.startNanos = startNanos;
  }

  /** Injects faults until {@code deadlineNanos} (System.nanoTime), one at a time. */
  void run(long deadlineNanos) throws InterruptedException {
    while (System.nanoTime() < deadlineNanos) {
      Fault fault = faults.get(random.nextInt(faults.size()));
      long hold = 1_000 + random.nextInt(4_000);
      injected.merge(fault, 1, Integer::sum);
      try {
        inject(fault, Math.min(hold, Math.max(500, (deadlineNanos - System.nanoTime()) / 1_000_000)));
      } catch (IOException | RuntimeException e) {
        note("  " + fault + " did not go through: " + e.getMessage());
      }
      Thread.sleep(300 + random.nextInt(1_500)); // a breather between faults
    }
  }

  private void inject(Fault fault, long holdMillis) throws IOException, InterruptedException {
    switch (fault) {
      case KILL -> kill(holdMillis);
      case PAUSE -> pause(holdMillis);
      case PARTITION -> {
        List<Integer> order = shuffled();
        int minority = (cluster.size() - 1) / 2;
        List<Integer> small = order.subList(0, minority);
        note(fault + " " + names(small) + " | " + names(order.subList(minority, order.size())));
        cutBetween(small, order.subList(minority, order.size()));
        holdThenHeal(holdMillis);
      }
      case ISOLATE_LEADER -> {
        int group = random.nextInt(cluster.groups());
        int leader = cluster.leaderOf(group).orElse(random.nextInt(cluster.size()));
        List<Integer> others = new ArrayList<>(all());
        others.remove(Integer.valueOf(leader));
        note(fault + " n" + (leader + 1) + " (leader of kv-" + group + ")");
        cutBetween(List.of(leader), others);
        holdThenHeal(holdMillis);
      }
      case BRIDGE -> {
        List<Integer> order = shuffled();
        int half = cluster.size() / 2;
        List<Integer> left = order.subList(0, half);
        List<Integer> right = order.subList(half + 1, order.size());
        note(fault + " " + names(left) + " | n" + (order.get(half) + 1) + " | " + names(right));
        cutBetween(left, right);
        holdThenHeal(holdMillis);
      }
      case ONE_WAY -> linkFaults(fault, holdMillis, (from, to) -> cluster.network().cut(from, to), false);
      case DELAY -> linkFaults(fault, holdMillis, (from, to) -> cluster.network().delay(from, to,
          Duration.ofMillis(50 + random.nextInt(350))), true);
      case LOSS -> linkFaults(fault, holdMillis, (from, to) -> cluster.network().loss(from, to,
          5 + random.nextInt(36)), true);
      case TRANSFER -> {
        int group = random.nextInt(cluster.groups());
        int target = random.nextInt(cluster.size());
        int via = liveNode();
        RespReply reply = cluster.ask(via, Duration.ofSeconds(10), "KEEL.TRANSFER", Integer.toString(group),
            "n" + (target + 1));
        note(fault + " kv-" + group + " to n" + (target + 1) + ": " + reply);
      }
      case REMOVE_READD -> membership(holdMillis, false);
      case REPLACE -> membership(holdMillis, true);
      default -> throw new IllegalStateException("unknown fault " + fault);
    }
  }

  private void kill(long holdMillis) throws IOException, InterruptedException {
    List<Integer> victims = victims();
    note("KILL " + names(victims));
    for (int victim : victims) {
      cluster.node(victim).kill();
    }
    Thread.sleep(holdMillis);
    for (int victim : victims) {
      cluster.restart(victim);
    }
    note("  restarted " + names(victims));
  }

  private void pause(long holdMillis) throws InterruptedException {
    List<Integer> victims = victims();
    long held = Math.max(holdMillis, 2 * cluster.electionTimeout().toMillis());
    note("PAUSE " + names(victims) + " for " + held + " ms");
    victims.forEach(victim -> cluster.node(victim).pause());
    Thread.sleep(held);
    victims.forEach(victim -> cluster.node(victim).resume());
  }

  /** One or two nodes, half the time including group 0's leader. */
  private List<Integer> victims() {
    List<Integer> order = shuffled();
    int count = 1 + random.nextInt((cluster.size() - 1) / 2);
    List<Integer> victims = new ArrayList<>(order.subList(0, count));
    if (random.nextBoolean()) {
      cluster.leaderOf(0).ifPresent(leader -> {
        if (!victims.contains(leader)) {
          victims.set(0, leader);
        }
      });
    }
    return victims;
  }

  @FunctionalInterface
  private interface LinkFault {
    void apply(int from, int to);
  }

  private void linkFaults(Fault fault, long holdMillis, LinkFault apply, boolean bothWays)
      throws InterruptedException {
    int links = 1 + random.nextInt(4);
    List<String> described = new ArrayList<>();
    for (int i = 0; i < links; i++) {
      int from = random.nextInt(cluster.size());
      int to = (from + 1 + random.nextInt(cluster.size() - 1)) % cluster.size();
      apply.apply(from, to);
      if (bothWays) {
        apply.apply(to, from);
      }
      described.add("n" + (from + 1) + (bothWays ? "<->" : "->") + "n" + (to + 1));
    }
    note(fault + " " + described);
    holdThenHeal(holdMillis);
  }

  private void cutBetween(List<Integer> one, List<Integer> other) {
    for (int a : one) {
      for (int b : other) {
        cluster.network().cut(a, b);
        cluster.network().cut(b, a);
      }
    }
  }

  private void holdThenHeal(long holdMillis) throws InterruptedException {
    Thread.sleep(holdMillis);
    cluster.network().heal();
  }

  /**
   * Removes a node from every group, then adds it back. To replace it, the node is wiped only once
   * every group has removed it: an empty node that some group still counts as a voter would be an
   * operator's mistake (it forgot what it promised), not a fault the system must survive.
   */
  private void membership(long holdMillis, boolean replace) throws IOException, InterruptedException {
    int node = random.nextInt(cluster.size());
    int via = liveNodeOtherThan(node);
    String id = "n" + (node + 1);
    RespReply removed = cluster.ask(via, Duration.ofSeconds(60), "KEEL.REMOVENODE", id);
    note((replace ? "REPLACE " : "REMOVE_READD ") + id + ": removed " + removed);
    if (!RespReply.OK.equals(removed)) {
      return; // left to healAll to add it back where it was removed
    }
    if (replace) {
      cluster.node(node).kill();
      cluster.node(node).wipe();
    }
    Thread.sleep(holdMillis);
    if (replace) {
      List<Integer> members = new ArrayList<>(all());
      members.remove(Integer.valueOf(node));
      cluster.startJoining(node, members);
    }
    RespReply added = cluster.ask(via, Duration.ofSeconds(60), "KEEL.ADDNODE", id, cluster.raftAddress(node));
    note("  " + id + " added back" + (replace ? " empty" : "") + ": " + added);
  }

  private int liveNode() {
    return liveNodeOtherThan(-1);
  }

  private int liveNodeOtherThan(int excluded) {
    List<Integer> order = shuffled();
    for (int node : order) {
      if (node != excluded && cluster.node(node).running() && !cluster.node(node).paused()) {
        return node;
      }
    }
    return order.get(0) == excluded ? order.get(1) : order.get(0);
  }

  /**
   * Undoes everything: links healed, paused nodes resumed, stopped nodes started, and every node a
   * voter of every group (added again through the others if a membership fault left it out).
   */
  void healAll(Duration timeout) throws IOException, InterruptedException {
    cluster.network().heal();
    for (int i = 0; i < cluster.size(); i++) {
      cluster.node(i).resume();
      if (!cluster.node(i).running()) {
        cluster.restart(i);
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < cluster.size(); i++) {
      String id = "n" + (i + 1);
      while (System.nanoTime() < deadline) {
        int via = liveNodeOtherThan(i);
        try {
          if (cluster.votersSeenBy(via).contains(id) && cluster.groupsSeenBy(via).stream()
              .allMatch(view -> view.voters().contains(id))) {
            break;
          }
          note("HEAL adds " + id + " back: " + cluster.ask(via, Duration.ofSeconds(60), "KEEL.ADDNODE", id,
              cluster.raftAddress(i)));
        } catch (IOException e) {
          Thread.sleep(200);
        }
      }
    }
  }

  private List<Integer> all() {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      all.add(i);
    }
    return all;
  }

  private List<Integer> shuffled() {
    List<Integer> order = all();
    Collections.shuffle(order, random);
    return order;
  }

  private static String names(List<Integer> nodes) {
    List<String> names = new ArrayList<>();
    nodes.forEach(node -> names.add("n" + (node + 1)));
    return String.join(",", names);
  }

  private void note(String line) {
    String entry = String.format("%8.3f s  %s", (System.nanoTime() - startNanos) / 1e9, line);
    log.add(entry);
  }

  /** What was injected, with times. */
  List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** How many of each fault were injected. */
  Map<Fault, Integer> injected() {
    return Map.copyOf(injected);
  }
}

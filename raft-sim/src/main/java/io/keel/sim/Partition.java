package io.keel.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * Which node can send to which: a directed reachability relation over the cluster's nodes, numbered
 * from 1 as in their ids {@code n1, n2, ...}. The four kinds a nemesis draws are an isolated node,
 * a clean split into two sides, an asymmetric cut (one side hears the other but not the reverse),
 * and a bridge (one node sees two halves that cannot see each other). Immutable.
 */
public final class Partition {

  private final int nodes;
  /** {@code blocked.get(from * nodes + to)}: messages from {@code from} to {@code to} are lost. */
  private final BitSet blocked;
  private final String description;

  private Partition(int nodes, BitSet blocked, String description) {
    this.nodes = nodes;
    this.blocked = blocked;
    this.description = description;
  }

  /** Every node reaches every other. */
  public static Partition none(int nodes) {
    return new Partition(nodes, new BitSet(), "none");
  }

  /** {@code node} neither sends to nor hears from anyone. */
  public static Partition isolate(int nodes, int node) {
    checkNode(nodes, node);
    BitSet blocked = new BitSet();
    for (int other = 1; other <= nodes; other++) {
      if (other != node) {
        block(blocked, nodes, node, other);
        block(blocked, nodes, other, node);
      }
    }
    return new Partition(nodes, blocked, "isolate n" + node);
  }

  /** Two sides that cannot reach each other; {@code side} is one, every other node the other. */
  public static Partition split(int nodes, int... side) {
    BitSet left = members(nodes, side);
    BitSet blocked = new BitSet();
    for (int a = 1; a <= nodes; a++) {
      for (int b = 1; b <= nodes; b++) {
        if (left.get(a) != left.get(b)) {
          block(blocked, nodes, a, b);
        }
      }
    }
    return new Partition(nodes, blocked, "split " + names(left) + "|" + names(complement(nodes, left)));
  }

  /**
   * An asymmetric cut: the nodes in {@code deafNodes} still reach everyone, but nothing the other
   * nodes send them arrives. The others hear them; they do not hear the others.
   */
  public static Partition asymmetric(int nodes, int... deafNodes) {
    BitSet deaf = members(nodes, deafNodes);
    BitSet blocked = new BitSet();
    for (int from = 1; from <= nodes; from++) {
      for (int to = 1; to <= nodes; to++) {
        if (deaf.get(to) && !deaf.get(from)) {
          block(blocked, nodes, from, to);
        }
      }
    }
    return new Partition(nodes, blocked, "asymmetric " + names(deaf) + " deaf to "
        + names(complement(nodes, deaf)));
  }

  /**
   * A partial partition: {@code bridge} reaches everyone; {@code half} and the remaining nodes (other
   * than the bridge) cannot reach each other.
   */
  public static Partition bridge(int nodes, int bridge, int... half) {
    checkNode(nodes, bridge);
    BitSet left = members(nodes, half);
    if (left.get(bridge)) {
      throw new IllegalArgumentException("the bridge n" + bridge + " cannot also be in a half");
    }
    BitSet right = complement(nodes, left);
    right.clear(bridge);
    BitSet blocked = new BitSet();
    for (int a = 1; a <= nodes; a++) {
      for (int b = 1; b <= nodes; b++) {
        if ((left.get(a) && right.get(b)) || (right.get(a) && left.get(b))) {
          block(blocked, nodes, a, b);
        }
      }
    }
    return new Partition(nodes, blocked, "bridge n" + bridge + " between " + names(left) + "|" + names(right));
  }

  /** Only the named one-way links are cut: {@code links} are pairs {from, to}. */
  public static Partition cutLinks(int nodes, int[]... links) {
    BitSet blocked = new BitSet();
    List<String> names = new ArrayList<>();
    for (int[] link : links) {
      checkNode(nodes, link[0]);
      checkNode(nodes, link[1]);
      block(blocked, nodes, link[0], link[1]);
      names.add("n" + link[0] + ">n" + link[1]);
    }
    return new Partition(nodes, blocked, "cut " + String.join(",", names));
  }

  /** Whether a message from node {@code from} to node {@code to} (numbered from 1) arrives. */
  public boolean reaches(int from, int to) {
    return !blocked.get((from - 1) * nodes + (to - 1));
  }

  /** Whether no link is cut. */
  public boolean isNone() {
    return blocked.isEmpty();
  }

  /** The cluster size this partition is for. */
  public int nodes() {
    return nodes;
  }

  /** How the fault schedule writes it, e.g. {@code split n1,n2|n3,n4,n5}; {@link #parse} reads it back. */
  public String describe() {
    return description;
  }

  /**
   * Reads a partition as {@link #describe} writes it: {@code none}, {@code isolate n2},
   * {@code split n1,n2|n3}, {@code asymmetric n1 deaf to n2,n3}, {@code bridge n3 between n1,n2|n4,n5},
   * {@code cut n1>n2,n3>n1}.
   *
   * @throws IllegalArgumentException naming the text, if it is not one
   */
  public static Partition parse(int nodes, String text) {
    String[] words = text.trim().split("\\s+");
    try {
      switch (words[0]) {
        case "none":
          return none(nodes);
        case "isolate":
          return isolate(nodes, node(words[1]));
        case "split":
          return split(nodes, nodeList(words[1].split("\\|")[0]));
        case "asymmetric":
          return asymmetric(nodes, nodeList(words[1]));
        case "bridge":
          return bridge(nodes, node(words[1]), nodeList(words[3].split("\\|")[0]));
        case "cut":
          return cutLinks(nodes, Arrays.stream(words[1].split(","))
              .map(link -> new int[] {node(link.split(">")[0]), node(link.split(">")[1])})
              .toArray(int[][]::new));
        default:
          break;
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a partition: '" + text + "' (" + e.getMessage() + ")", e);
    }
    throw new IllegalArgumentException("not a partition: '" + text
        + "' (expected none, isolate, split, asymmetric, bridge or cut)");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Partition that && nodes == that.nodes && blocked.equals(that.blocked);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodes, blocked);
  }

  @Override
  public String toString() {
    return description;
  }

  private static int node(String name) {
    if (!name.startsWith("n")) {
      throw new IllegalArgumentException("a node is named n1, n2, ...; got '" + name + "'");
    }
    return Integer.parseInt(name.substring(1));
  }

  private static int[] nodeList(String names) {
    return Arrays.stream(names.split(",")).mapToInt(Partition::node).toArray();
  }

  private static BitSet members(int nodes, int... list) {
    BitSet set = new BitSet();
    for (int node : list) {
      checkNode(nodes, node);
      set.set(node);
    }
    if (set.isEmpty() || set.cardinality() == nodes) {
      throw new IllegalArgumentException("a side must hold some but not all of the " + nodes + " nodes");
    }
    return set;
  }

  private static BitSet complement(int nodes, BitSet set) {
    BitSet result = new BitSet();
    result.set(1, nodes + 1);
    result.andNot(set);
    return result;
  }

  private static String names(BitSet set) {
    StringBuilder text = new StringBuilder();
    for (int node = set.nextSetBit(0); node >= 0; node = set.nextSetBit(node + 1)) {
      text.append(text.length() == 0 ? "" : ",").append('n').append(node);
    }
    return text.toString();
  }

  private static void checkNode(int nodes, int node) {
    if (node < 1 || node > nodes) {
      throw new IllegalArgumentException("node n" + node + " is not in a cluster of " + nodes);
    }
  }

  private static void block(BitSet blocked, int nodes, int from, int to) {
    blocked.set((from - 1) * nodes + (to - 1));
  }
}

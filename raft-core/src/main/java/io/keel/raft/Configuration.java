package io.keel.raft;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The members of a Raft group at one point of its log (Raft thesis chapter 4): the voters, the
 * learners, which receive the log but never vote, and, while a change of voters is under way, the
 * voters it leaves behind. Such a joint configuration, C<sub>old,new</sub> in the thesis (§4.3),
 * needs a majority of {@link #voters()} and a majority of {@link #outgoingVoters()} for every
 * election and every commit. A member may carry the address its peers reach it at; one without an
 * address is found through the transport's own table.
 *
 * <p>Configurations travel in the log as {@link EntryType#CONFIGURATION} entries, encoded by
 * {@link ConfigurationCodec}, and in snapshots. A node uses the newest configuration in its log,
 * committed or not (thesis §4.1).
 *
 * @param voters the voters; the whole group's, or, in a joint configuration, those of the
 *     configuration being entered (C<sub>new</sub>)
 * @param outgoingVoters empty, or, in a joint configuration, the voters being left (C<sub>old</sub>)
 * @param learners members that receive the log and snapshots but never vote; none is in
 *     {@code voters} (a voter being demoted is in {@code outgoingVoters} and {@code learners})
 * @param addresses the address of each member that carries one
 */
public record Configuration(SortedSet<NodeId> voters, SortedSet<NodeId> outgoingVoters, SortedSet<NodeId> learners,
    SortedMap<NodeId, String> addresses) {

  /** The most members (voters, outgoing voters and learners together) a configuration may hold. */
  public static final int MAX_MEMBERS = 1024;
  /** The longest address, in UTF-8 bytes. */
  public static final int MAX_ADDRESS_BYTES = 255;

  /** A node that joins a group knows no configuration until the leader sends it one. */
  public static final Configuration NONE = new Configuration(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(),
      new TreeMap<>());

  /** Validates the configuration and copies its parts. */
  public Configuration {
    voters = copy(voters, "voters");
    outgoingVoters = copy(outgoingVoters, "outgoingVoters");
    learners = copy(learners, "learners");
    addresses = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(addresses, "addresses")));
    for (NodeId learner : learners) {
      if (voters.contains(learner)) {
        throw new IllegalArgumentException(learner + " is both a voter and a learner");
      }
    }
    if (!outgoingVoters.isEmpty() && voters.isEmpty()) {
      throw new IllegalArgumentException("a joint configuration leaving " + outgoingVoters + " enters one with no voter");
    }
    TreeSet<NodeId> members = new TreeSet<>(voters);
    members.addAll(outgoingVoters);
    members.addAll(learners);
    if (members.size() > MAX_MEMBERS) {
      throw new IllegalArgumentException("a configuration holds at most " + MAX_MEMBERS + " members, got "
          + members.size());
    }
    addresses.forEach((member, address) -> checkAddress(members, member, address));
  }

  /** A configuration of {@code voters} alone, with no learner and no address: how a group starts. */
  public static Configuration ofVoters(Collection<NodeId> voters) {
    return new Configuration(new TreeSet<>(voters), new TreeSet<>(), new TreeSet<>(), new TreeMap<>());
  }

  /** Whether this is a joint configuration, C<sub>old,new</sub>. */
  public boolean isJoint() {
    return !outgoingVoters.isEmpty();
  }

  /** Whether {@code node} votes here: it is a voter of either half of a joint configuration. */
  public boolean isVoter(NodeId node) {
    return voters.contains(node) || outgoingVoters.contains(node);
  }

  /** Whether {@code node} is a learner here (and no voter of the configuration being entered). */
  public boolean isLearner(NodeId node) {
    return learners.contains(node);
  }

  /** Whether {@code node} belongs to the group here, as voter or learner. */
  public boolean isMember(NodeId node) {
    return isVoter(node) || learners.contains(node);
  }

  /** Every member, voter or learner, in id order. */
  public SortedSet<NodeId> members() {
    TreeSet<NodeId> members = new TreeSet<>(voters);
    members.addAll(outgoingVoters);
    members.addAll(learners);
    return Collections.unmodifiableSortedSet(members);
  }

  /** The address {@code member} carries, if any. */
  public Optional<String> address(NodeId member) {
    return Optional.ofNullable(addresses.get(member));
  }

  /**
   * The configuration a joint one leads to, C<sub>new</sub>: its voters and learners, and the
   * addresses of those members only.
   */
  public Configuration leaveJoint() {
    TreeMap<NodeId, String> kept = new TreeMap<>(addresses);
    kept.keySet().removeIf(member -> !voters.contains(member) && !learners.contains(member));
    return new Configuration(voters, new TreeSet<>(), learners, kept);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("voters ").append(voters);
    if (isJoint()) {
      text.append(" and outgoing ").append(outgoingVoters);
    }
    if (!learners.isEmpty()) {
      text.append(", learners ").append(learners);
    }
    return text.toString();
  }

  private static SortedSet<NodeId> copy(Collection<NodeId> nodes, String name) {
    Objects.requireNonNull(nodes, name);
    TreeSet<NodeId> copy = new TreeSet<>();
    for (NodeId node : nodes) {
      copy.add(Objects.requireNonNull(node, name + " holds null"));
    }
    return Collections.unmodifiableSortedSet(copy);
  }

  private static void checkAddress(Collection<NodeId> members, NodeId member, String address) {
    Objects.requireNonNull(member, "addresses holds a null member");
    if (!members.contains(member)) {
      throw new IllegalArgumentException("an address for " + member + ", which is no member");
    }
    Objects.requireNonNull(address, "address of " + member);
    if (address.isEmpty() || address.getBytes(StandardCharsets.UTF_8).length > MAX_ADDRESS_BYTES) {
      throw new IllegalArgumentException("the address of " + member + " must be 1 to " + MAX_ADDRESS_BYTES
          + " bytes of UTF-8, got '" + address + "'");
    }
  }

  /** The members and their roles, for {@link ConfigurationCodec}. */
  Map<NodeId, Integer> roleFlags() {
    TreeMap<NodeId, Integer> flags = new TreeMap<>();
    voters.forEach(member -> flags.merge(member, ConfigurationCodec.VOTER, Integer::sum));
    outgoingVoters.forEach(member -> flags.merge(member, ConfigurationCodec.OUTGOING_VOTER, Integer::sum));
    learners.forEach(member -> flags.merge(member, ConfigurationCodec.LEARNER, Integer::sum));
    return flags;
  }
}

package io.keel.raft.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Quorum arithmetic checked against brute force: for joint configurations, against the definition
 * itself, by enumerating every set of members and asking whether it holds a majority of each half.
 */
class QuorumProperties {

  @Property(tries = 5_000)
  void majorityIndexIsTheHighestIndexAMajorityHolds(@ForAll("matchIndexes") long[] matchIndexes) {
    long expected = 0;
    for (long candidate : matchIndexes) {
      int holding = 0;
      for (long match : matchIndexes) {
        if (match >= candidate) {
          holding++;
        }
      }
      if (holding * 2 > matchIndexes.length) {
        expected = Math.max(expected, candidate);
      }
    }
    assertEquals(expected, Quorum.majorityIndex(matchIndexes));
  }

  @Property(tries = 5_000)
  void voteResultMatchesEnumeration(
      @ForAll @IntRange(min = 1, max = 9) int voters,
      @ForAll @IntRange(min = 0, max = 9) int granted,
      @ForAll @IntRange(min = 0, max = 9) int refused) {
    if (granted + refused > voters) {
      assertThrows(IllegalArgumentException.class, () -> Quorum.voteResult(granted, refused, voters));
      return;
    }
    // Brute force: try every way the undecided voters could still answer.
    int undecided = voters - granted - refused;
    boolean alwaysWins = true;
    boolean canWin = false;
    for (int laterGrants = 0; laterGrants <= undecided; laterGrants++) {
      boolean wins = 2 * (granted + laterGrants) > voters;
      alwaysWins &= wins;
      canWin |= wins;
    }
    Quorum.VoteResult expected = alwaysWins && granted * 2 > voters
        ? Quorum.VoteResult.WON
        : canWin ? Quorum.VoteResult.PENDING : Quorum.VoteResult.LOST;
    assertEquals(expected, Quorum.voteResult(granted, refused, voters));
  }

  @Example
  void majorityOfSmallClusters() {
    assertEquals(1, Quorum.majority(1));
    assertEquals(2, Quorum.majority(2));
    assertEquals(2, Quorum.majority(3));
    assertEquals(3, Quorum.majority(4));
    assertEquals(3, Quorum.majority(5));
    assertThrows(IllegalArgumentException.class, () -> Quorum.majority(0));
  }

  @Property(tries = 3_000)
  void jointCommittedIndexIsTheBestAnyQuorumHolds(@ForAll("configurations") Configuration configuration,
      @ForAll("matchIndexes") long[] indexes) {
    List<NodeId> members = new ArrayList<>(configuration.members());
    Map<NodeId, Long> match = new HashMap<>();
    for (int i = 0; i < members.size(); i++) {
      match.put(members.get(i), indexes[i % indexes.length]);
    }
    long expected = -1;
    for (int subset = 0; subset < 1 << members.size(); subset++) {
      Set<NodeId> chosen = subsetOf(members, subset);
      if (isQuorumByDefinition(configuration, chosen)) {
        expected = Math.max(expected, chosen.stream().mapToLong(match::get).min().orElseThrow());
      }
    }
    assertEquals(expected, Quorum.committedIndex(configuration, match::get));
  }

  @Property(tries = 3_000)
  void jointVoteResultMatchesEveryWayTheUndecidedCouldAnswer(@ForAll("configurations") Configuration configuration,
      @ForAll long answers) {
    List<NodeId> members = new ArrayList<>(configuration.members());
    Set<NodeId> granted = new TreeSet<>();
    Set<NodeId> refused = new TreeSet<>();
    List<NodeId> undecided = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      switch ((int) Math.floorMod(answers >> (2 * i), 3)) {
        case 0 -> granted.add(members.get(i));
        case 1 -> refused.add(members.get(i));
        default -> undecided.add(members.get(i));
      }
    }
    boolean canWin = false;
    for (int subset = 0; subset < 1 << undecided.size(); subset++) {
      Set<NodeId> grantingLater = new TreeSet<>(granted);
      grantingLater.addAll(subsetOf(undecided, subset));
      canWin |= isQuorumByDefinition(configuration, grantingLater);
    }
    Quorum.VoteResult expected = isQuorumByDefinition(configuration, granted) ? Quorum.VoteResult.WON
        : canWin ? Quorum.VoteResult.PENDING : Quorum.VoteResult.LOST;
    assertEquals(expected, Quorum.voteResult(configuration, granted::contains, refused::contains));
    assertEquals(expected == Quorum.VoteResult.WON, Quorum.isQuorum(configuration, granted::contains));
  }

  @Example
  void aJointConfigurationNeedsBothMajorities() {
    Configuration joint = new Configuration(ids("n1", "n2", "n3"), ids("n3", "n4", "n5"), ids(), new TreeMap<>());
    assertEquals(Quorum.VoteResult.PENDING, Quorum.voteResult(joint, ids("n1", "n2")::contains, node -> false));
    assertEquals(Quorum.VoteResult.WON, Quorum.voteResult(joint, ids("n1", "n3", "n4")::contains, node -> false));
    assertEquals(Quorum.VoteResult.LOST, Quorum.voteResult(joint, ids("n1", "n2")::contains,
        ids("n4", "n5")::contains));
  }

  /** The definition: a majority of the voters and, if joint, a majority of the outgoing voters. */
  private static boolean isQuorumByDefinition(Configuration configuration, Set<NodeId> chosen) {
    return isMajority(configuration.voters(), chosen)
        && (!configuration.isJoint() || isMajority(configuration.outgoingVoters(), chosen));
  }

  private static boolean isMajority(Set<NodeId> voters, Set<NodeId> chosen) {
    return 2 * voters.stream().filter(chosen::contains).count() > voters.size();
  }

  private static Set<NodeId> subsetOf(List<NodeId> members, int bits) {
    Set<NodeId> chosen = new TreeSet<>();
    for (int i = 0; i < members.size(); i++) {
      if ((bits & 1 << i) != 0) {
        chosen.add(members.get(i));
      }
    }
    return chosen;
  }

  private static TreeSet<NodeId> ids(String... ids) {
    TreeSet<NodeId> set = new TreeSet<>();
    for (String id : ids) {
      set.add(NodeId.of(id));
    }
    return set;
  }

  /** Configurations over up to eight nodes: each node is in neither, one or both halves, or a learner. */
  @Provide
  Arbitrary<Configuration> configurations() {
    return smallConfigurations();
  }

  /**
   * Configurations over up to eight nodes n0, n1, ...: each node a voter of the new half, of the
   * outgoing half, of both, a learner, or none; shared with {@link LeaderQuorumProperties}.
   */
  static Arbitrary<Configuration> smallConfigurations() {
    return Arbitraries.integers().between(0, 4).array(int[].class).ofMinSize(1).ofMaxSize(8).map(roles -> {
      TreeSet<NodeId> voters = new TreeSet<>();
      TreeSet<NodeId> outgoing = new TreeSet<>();
      TreeSet<NodeId> learners = new TreeSet<>();
      for (int i = 0; i < roles.length; i++) {
        NodeId node = NodeId.of("n" + i);
        switch (roles[i]) {
          case 0 -> voters.add(node);
          case 1 -> outgoing.add(node);
          case 2 -> {
            voters.add(node);
            outgoing.add(node);
          }
          case 3 -> learners.add(node);
          default -> { }
        }
      }
      return voters.isEmpty() ? null : new Configuration(voters, outgoing, learners, new TreeMap<>());
    }).filter(configuration -> configuration != null);
  }

  @Provide
  Arbitrary<long[]> matchIndexes() {
    return Arbitraries.longs().between(0, 20).array(long[].class).ofMinSize(1).ofMaxSize(9);
  }
}

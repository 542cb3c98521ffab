package io.keel.raft.protocol;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Majority arithmetic, for a plain set of voters and for a {@link Configuration}, joint or not: a
 * joint configuration decides only what a majority of each of its halves decides (Raft thesis
 * §4.3). Pure functions, property-tested against brute force.
 */
public final class Quorum {

  /** The outcome of counting votes. */
  public enum VoteResult {
    /** A majority granted. */
    WON,
    /** Enough refused that a majority can no longer grant. */
    LOST,
    /** Neither yet. */
    PENDING
  }

  private Quorum() {}

  /** The smallest number of voters that is a majority of {@code voters}. */
  public static int majority(int voters) {
    if (voters < 1) {
      throw new IllegalArgumentException("a cluster has at least one voter, got " + voters);
    }
    return voters / 2 + 1;
  }

  /**
   * The highest index that a majority of voters hold, given each voter's match index: the value N
   * such that at least a majority have {@code matchIndex >= N}. The array is not modified.
   */
  public static long majorityIndex(long[] matchIndexes) {
    return majorityIndexSorting(matchIndexes.clone());
  }

  /** As {@link #majorityIndex}, but sorts {@code matchIndexes} in place: for callers with a scratch array. */
  static long majorityIndexSorting(long[] matchIndexes) {
    int voters = matchIndexes.length;
    Arrays.sort(matchIndexes);
    // Sorted ascending, the voters at positions voters - majority .. voters - 1 (a majority of
    // them) all hold at least matchIndexes[voters - majority].
    return matchIndexes[voters - majority(voters)];
  }

  /** Counts {@code granted} and {@code refused} votes out of {@code voters}. */
  public static VoteResult voteResult(int granted, int refused, int voters) {
    int needed = majority(voters);
    if (granted < 0 || refused < 0 || granted + refused > voters) {
      throw new IllegalArgumentException(
          "impossible count: " + granted + " granted and " + refused + " refused of " + voters);
    }
    if (granted >= needed) {
      return VoteResult.WON;
    }
    if (voters - refused < needed) {
      return VoteResult.LOST;
    }
    return VoteResult.PENDING;
  }

  /**
   * The highest index committed in {@code configuration} given each voter's match index: the
   * highest that a majority of its voters hold and, if it is joint, also a majority of its outgoing
   * voters.
   *
   * @throws IllegalArgumentException if the configuration has no voter
   */
  public static long committedIndex(Configuration configuration, ToLongFunction<NodeId> matchIndex) {
    long index = majorityIndexOf(configuration.voters(), matchIndex);
    if (configuration.isJoint()) {
      index = Math.min(index, majorityIndexOf(configuration.outgoingVoters(), matchIndex));
    }
    return index;
  }

  /**
   * Counts an election in {@code configuration}: won once a majority of each half granted, lost
   * once either half can no longer give a majority. A voter in both halves counts in both; a node
   * that no half holds counts in none.
   */
  public static VoteResult voteResult(Configuration configuration, Predicate<NodeId> granted,
      Predicate<NodeId> refused) {
    VoteResult result = voteResult(configuration.voters(), granted, refused);
    if (!configuration.isJoint() || result == VoteResult.LOST) {
      return result;
    }
    VoteResult outgoing = voteResult(configuration.outgoingVoters(), granted, refused);
    if (outgoing == VoteResult.LOST) {
      return VoteResult.LOST;
    }
    return result == VoteResult.WON && outgoing == VoteResult.WON ? VoteResult.WON : VoteResult.PENDING;
  }

  /** Whether the nodes {@code present} holds are a quorum of {@code configuration}: a majority of each half. */
  public static boolean isQuorum(Configuration configuration, Predicate<NodeId> present) {
    return voteResult(configuration, present, node -> !present.test(node)) == VoteResult.WON;
  }

  private static long majorityIndexOf(Set<NodeId> voters, ToLongFunction<NodeId> matchIndex) {
    if (voters.isEmpty()) {
      throw new IllegalArgumentException("a configuration with no voter commits nothing");
    }
    long[] matches = new long[voters.size()];
    int i = 0;
    for (NodeId voter : voters) {
      matches[i++] = matchIndex.applyAsLong(voter);
    }
    return majorityIndexSorting(matches);
  }

  private static VoteResult voteResult(Set<NodeId> voters, Predicate<NodeId> granted, Predicate<NodeId> refused) {
    int grants = 0;
    int refusals = 0;
    for (NodeId voter : voters) {
      if (granted.test(voter)) {
        grants++;
      } else if (refused.test(voter)) {
        refusals++;
      }
    }
    return voteResult(grants, refusals, voters.size());
  }
}

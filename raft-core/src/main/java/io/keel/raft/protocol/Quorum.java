package io.keel.raft.protocol;

import java.util.Arrays;

/** Majority arithmetic for a set of voters: pure functions, property-tested against brute force. */
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
    int voters = matchIndexes.length;
    long[] sorted = matchIndexes.clone();
    Arrays.sort(sorted);
    // Sorted ascending, the voters at positions voters - majority .. voters - 1 (a majority of
    // them) all hold at least sorted[voters - majority].
    return sorted[voters - majority(voters)];
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
}

package io.keel.raft.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Quorum arithmetic checked against brute force. */
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

  @Provide
  Arbitrary<long[]> matchIndexes() {
    return Arbitraries.longs().between(0, 20).array(long[].class).ofMinSize(1).ofMaxSize(9);
  }
}

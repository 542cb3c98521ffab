package io.keel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RaftConfigTest {

  @Test
  void defaultsFollowThePaper() {
    RaftConfig config = RaftConfig.defaults();
    assertEquals(Duration.ofMillis(150), config.electionTimeoutMin());
    assertEquals(Duration.ofMillis(300), config.electionTimeoutMax());
    assertTrue(config.preVote());
    assertTrue(config.checkQuorum());
    assertEquals(config.toString(), config.toBuilder().build().toString(), "toBuilder round-trips");
  }

  @Test
  void eachInvalidFieldIsRejectedWithItsNameAndRange() {
    assertRejected(b -> b.electionTimeout(Duration.ofMillis(1), Duration.ofMillis(300)),
        "electionTimeoutMin must be between 2 ms and 600000 ms, got 1 ms");
    assertRejected(b -> b.electionTimeout(Duration.ofMillis(300), Duration.ofMillis(200)),
        "electionTimeoutMax (200 ms) must be at least electionTimeoutMin (300 ms)");
    assertRejected(b -> b.electionTimeout(null, Duration.ofMillis(200)), "electionTimeoutMin must be set");
    assertRejected(b -> b.heartbeatInterval(Duration.ofMillis(100)), "heartbeatInterval (100 ms) must be at most "
        + "half of electionTimeoutMin (150 ms), so that followers hear from their leader before they time out");
    assertRejected(b -> b.heartbeatInterval(Duration.ZERO),
        "heartbeatInterval must be between 1 ms and 600000 ms, got 0 ms");
    assertRejected(b -> b.maxEntriesPerAppend(0), "maxEntriesPerAppend must be between 1 and 100000, got 0");
    assertRejected(b -> b.maxBytesPerAppend(-5), "maxBytesPerAppend must be between 1 and 67108864, got -5");
    assertRejected(b -> b.maxInflightAppends(10_001), "maxInflightAppends must be between 1 and 10000, got 10001");
    assertRejected(b -> b.maxPendingProposals(0), "maxPendingProposals must be between 1 and 10000000, got 0");
  }

  @Test
  void equalElectionTimeoutBoundsAreAllowedForTheTimingStudy() {
    RaftConfig config = RaftConfig.builder().electionTimeout(Duration.ofMillis(150), Duration.ofMillis(150)).build();
    assertEquals(config.electionTimeoutMin(), config.electionTimeoutMax());
  }

  private static void assertRejected(UnaryOperator<RaftConfig.Builder> change, String message) {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> change.apply(RaftConfig.builder()).build());
    assertEquals(message, error.getMessage());
  }
}

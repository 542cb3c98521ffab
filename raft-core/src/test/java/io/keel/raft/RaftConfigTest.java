package io.keel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RaftConfigTest {

  @Test
  void defaultsAllowForTheJvmsPauses() {
    RaftConfig config = RaftConfig.defaults();
    assertEquals(Duration.ofMillis(500), config.electionTimeoutMin());
    assertEquals(Duration.ofMillis(1000), config.electionTimeoutMax());
    assertEquals(Duration.ofMillis(100), config.heartbeatInterval());
    assertTrue(config.preVote());
    assertTrue(config.checkQuorum());
    assertFalse(config.leaseReads(), "leases trust clocks: off unless asked for");
    assertEquals(config.toString(), config.toBuilder().build().toString(), "toBuilder round-trips");
  }

  @Test
  void eachInvalidFieldIsRejectedWithItsNameAndRange() {
    assertRejected(b -> b.electionTimeout(Duration.ofMillis(1), Duration.ofMillis(300)),
        "electionTimeoutMin must be between 2 ms and 600000 ms, got 1 ms");
    assertRejected(b -> b.electionTimeout(Duration.ofMillis(300), Duration.ofMillis(200)),
        "electionTimeoutMax (200 ms) must be at least electionTimeoutMin (300 ms)");
    assertRejected(b -> b.electionTimeout(null, Duration.ofMillis(200)), "electionTimeoutMin must be set");
    assertRejected(b -> b.heartbeatInterval(Duration.ofMillis(300)), "heartbeatInterval (300 ms) must be at most "
        + "half of electionTimeoutMin (500 ms), so that followers hear from their leader before they time out");
    assertRejected(b -> b.heartbeatInterval(Duration.ZERO),
        "heartbeatInterval must be between 1 ms and 600000 ms, got 0 ms");
    assertRejected(b -> b.maxEntriesPerAppend(0), "maxEntriesPerAppend must be between 1 and 100000, got 0");
    assertRejected(b -> b.maxBytesPerAppend(-5), "maxBytesPerAppend must be between 1 and 67108864, got -5");
    assertRejected(b -> b.maxInflightAppends(10_001), "maxInflightAppends must be between 1 and 10000, got 10001");
    assertRejected(b -> b.maxPendingProposals(0), "maxPendingProposals must be between 1 and 10000000, got 0");
    assertRejected(b -> b.maxClockDrift(0.6), "maxClockDrift must be between 0 and 0.5, got 0.6");
    assertRejected(b -> b.maxClockDrift(Double.NaN), "maxClockDrift must be between 0 and 0.5, got NaN");
  }

  @Test
  void aLeaseLastsTheMinimumElectionTimeoutShortenedForClocksDriftingBothWays() {
    RaftConfig config = RaftConfig.builder().electionTimeout(Duration.ofMillis(500), Duration.ofMillis(1000))
        .leaseReads(true).maxClockDrift(0.25).build();
    assertEquals(Duration.ofMillis(300), config.leaseDuration(), "500 ms x 0.75 / 1.25");
    assertEquals(Duration.ofMillis(500), config.toBuilder().maxClockDrift(0).build().leaseDuration());
    assertTrue(config.toBuilder().build().leaseReads(), "toBuilder keeps it");
  }

  @Test
  void anUnsetHeartbeatFollowsTheElectionTimeoutAndASetOneIsKept() {
    RaftConfig fast = RaftConfig.defaults().toBuilder()
        .electionTimeout(Duration.ofMillis(150), Duration.ofMillis(300)).build();
    assertEquals(Duration.ofMillis(30), fast.heartbeatInterval(), "a fifth of the new minimum");
    RaftConfig tiny = RaftConfig.builder().electionTimeout(Duration.ofMillis(2), Duration.ofMillis(4)).build();
    assertEquals(Duration.ofMillis(1), tiny.heartbeatInterval(), "never below 1 ms");
    RaftConfig set = RaftConfig.builder().heartbeatInterval(Duration.ofMillis(40)).build();
    RaftConfig moved = set.toBuilder().electionTimeout(Duration.ofMillis(200), Duration.ofMillis(400)).build();
    assertEquals(Duration.ofMillis(40), moved.heartbeatInterval(), "a heartbeat that was set stays set");
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

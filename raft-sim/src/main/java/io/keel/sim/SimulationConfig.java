package io.keel.sim;

import io.keel.raft.RaftConfig;
import java.time.Duration;

/**
 * One simulation's settings: cluster size, simulated duration, network and disk behaviour, the
 * faults injected and the client's pace. Validated when built, naming the field and its range.
 *
 * @param seed decides every random choice of the run
 * @param nodes cluster size, 1 to 9
 * @param simulatedTime how long the run lasts in simulated time
 * @param raft the protocol configuration every node uses
 * @param messageDelayMin the shortest one-way message delay
 * @param messageDelayMax the longest one-way message delay
 * @param dropProbability chance that a message is lost, in [0, 0.5]
 * @param diskSyncDelay time from a write to its durability
 * @param proposalInterval time between client proposals
 * @param leaderCrashInterval how often the current leader is crashed; zero for never
 * @param restartDelay how long a crashed node stays down
 */
public record SimulationConfig(
    long seed,
    int nodes,
    Duration simulatedTime,
    RaftConfig raft,
    Duration messageDelayMin,
    Duration messageDelayMax,
    double dropProbability,
    Duration diskSyncDelay,
    Duration proposalInterval,
    Duration leaderCrashInterval,
    Duration restartDelay) {

  /** Validates every field. */
  public SimulationConfig {
    requireRange("nodes", nodes, 1, 9);
    requirePositive("simulatedTime", simulatedTime);
    if (raft == null) {
      throw new IllegalArgumentException("raft must be set");
    }
    requireNonNegative("messageDelayMin", messageDelayMin);
    requireNonNegative("messageDelayMax", messageDelayMax);
    if (messageDelayMax.compareTo(messageDelayMin) < 0) {
      throw new IllegalArgumentException("messageDelayMax must be >= messageDelayMin (" + messageDelayMin
          + "), got " + messageDelayMax);
    }
    if (!(dropProbability >= 0 && dropProbability <= 0.5)) {
      throw new IllegalArgumentException("dropProbability must be between 0 and 0.5, got " + dropProbability);
    }
    requireNonNegative("diskSyncDelay", diskSyncDelay);
    requirePositive("proposalInterval", proposalInterval);
    requireNonNegative("leaderCrashInterval", leaderCrashInterval);
    requireNonNegative("restartDelay", restartDelay);
  }

  /**
   * The default scenario: three nodes for 30 simulated seconds on a LAN-like network (1–10 ms
   * delays, 1% loss, 2 ms fsync), a proposal every 5 ms, and the leader crashed every 8 seconds
   * and restarted 2 seconds later.
   */
  public static SimulationConfig defaults(long seed) {
    return new SimulationConfig(seed, 3, Duration.ofSeconds(30), RaftConfig.defaults(),
        Duration.ofMillis(1), Duration.ofMillis(10), 0.01, Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofSeconds(8), Duration.ofSeconds(2));
  }

  /** This configuration with another seed. */
  public SimulationConfig withSeed(long newSeed) {
    return new SimulationConfig(newSeed, nodes, simulatedTime, raft, messageDelayMin, messageDelayMax,
        dropProbability, diskSyncDelay, proposalInterval, leaderCrashInterval, restartDelay);
  }

  /** This configuration with another cluster size. */
  public SimulationConfig withNodes(int newNodes) {
    return new SimulationConfig(seed, newNodes, simulatedTime, raft, messageDelayMin, messageDelayMax,
        dropProbability, diskSyncDelay, proposalInterval, leaderCrashInterval, restartDelay);
  }

  /** This configuration with another duration. */
  public SimulationConfig withSimulatedTime(Duration newTime) {
    return new SimulationConfig(seed, nodes, newTime, raft, messageDelayMin, messageDelayMax,
        dropProbability, diskSyncDelay, proposalInterval, leaderCrashInterval, restartDelay);
  }

  private static void requireRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", got " + value);
    }
  }

  private static void requirePositive(String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, got " + value);
    }
  }

  private static void requireNonNegative(String field, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be zero or more, got " + value);
    }
  }
}

package io.keel.sim;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The fault rates one seed draws for itself (swarm testing): each seed explores its own corner of
 * the fault space rather than every seed mixing every fault at the same average rate. Mean gaps are
 * between the starts of two faults of a kind; zero means the kind is off.
 *
 * @param network the network's delays, loss and duplication
 * @param fsyncLatency typical fsync latency
 * @param tornWrites whether crashes tear unsynced writes
 * @param maxDriftPpm the largest clock drift a node draws, in parts per million
 * @param partitionGap mean time between partitions
 * @param partitionLength longest partition
 * @param crashGap mean time between crashes
 * @param downtime longest time a crashed node stays down
 * @param pauseGap mean time between pauses
 * @param pauseLength longest pause
 * @param slowDiskGap mean time between slow-disk episodes
 * @param diskErrorGap mean time between fsync errors
 * @param clockJumpGap mean time between clock jumps
 * @param lieGap mean time between bursts of forged messages ({@link FaultKind#ROGUE})
 */
public record FaultRates(
    NetworkModel network,
    Duration fsyncLatency,
    boolean tornWrites,
    long maxDriftPpm,
    Duration partitionGap,
    Duration partitionLength,
    Duration crashGap,
    Duration downtime,
    Duration pauseGap,
    Duration pauseLength,
    Duration slowDiskGap,
    Duration diskErrorGap,
    Duration clockJumpGap,
    Duration lieGap) {

  /** Draws the rates of the enabled fault kinds; the others are off. */
  public static FaultRates draw(SimRandom random, Set<FaultKind> kinds) {
    NetworkModel network = NetworkModel.reliable();
    if (kinds.contains(FaultKind.DELAY)) {
      Duration min = micros(random.between(100, 1_000));
      network = network.withDelay(min, min.plus(micros(random.between(1_000, 15_000))))
          .withTail(round(random.between(0, 0.05)), micros(random.between(10_000, 100_000)));
      // Stragglers outlive elections: a stale message arrives terms later, which uniform delays
      // of milliseconds never produce. Holds reorder a few messages on one link.
      if (random.chance(0.5)) {
        network = network.withStragglers(round(random.between(0.0001, 0.005)), micros(random.between(300_000, 5_000_000)));
      }
      if (random.chance(0.5)) {
        network = network.withHold(round(random.between(0.005, 0.1)));
      }
    }
    if (kinds.contains(FaultKind.DROP)) {
      network = network.withDrop(round(random.between(0, 0.05)));
    }
    if (kinds.contains(FaultKind.DUPLICATE)) {
      network = network.withDuplicate(round(random.between(0, 0.03)));
    }
    boolean disk = kinds.contains(FaultKind.DISK);
    boolean clock = kinds.contains(FaultKind.CLOCK);
    return new FaultRates(
        network,
        disk ? micros(random.between(100, 5_000)) : Duration.ofMillis(1),
        disk,
        clock ? random.between(0, 20_000) : 0,
        gap(random, kinds.contains(FaultKind.PARTITION), 1, 10),
        kinds.contains(FaultKind.PARTITION) ? micros(random.between(200_000, 4_000_000)) : Duration.ZERO,
        gap(random, kinds.contains(FaultKind.CRASH), 2, 15),
        kinds.contains(FaultKind.CRASH) ? micros(random.between(50_000, 4_000_000)) : Duration.ZERO,
        gap(random, kinds.contains(FaultKind.PAUSE), 3, 20),
        kinds.contains(FaultKind.PAUSE) ? micros(random.between(50_000, 3_000_000)) : Duration.ZERO,
        gap(random, disk, 3, 20),
        gap(random, disk, 20, 120),
        gap(random, clock, 5, 30),
        Duration.ZERO);
  }

  /**
   * These rates with a liar who speaks every {@code gap} on average. The nemesis draws it after
   * every other fault of the seed, so turning the liar on changes nothing else of the run's faults.
   */
  public FaultRates withLieGap(Duration gap) {
    return new FaultRates(network, fsyncLatency, tornWrites, maxDriftPpm, partitionGap, partitionLength, crashGap,
        downtime, pauseGap, pauseLength, slowDiskGap, diskErrorGap, clockJumpGap, gap);
  }

  /** The mean gap between lies, if {@link FaultKind#ROGUE} is among {@code kinds}; zero (off) otherwise. */
  static Duration drawLieGap(SimRandom random, Set<FaultKind> kinds) {
    return gap(random, kinds.contains(FaultKind.ROGUE), 0.1, 5);
  }

  /** One line naming the rates, printed with the seed. */
  public String describe() {
    StringBuilder text = new StringBuilder(network.describe());
    text.append(" fsync=").append(Durations.format(fsyncLatency)).append(tornWrites ? " torn" : "");
    if (maxDriftPpm > 0) {
      text.append(" drift<=").append(maxDriftPpm).append("ppm");
    }
    append(text, "partition", partitionGap, partitionLength);
    append(text, "crash", crashGap, downtime);
    append(text, "pause", pauseGap, pauseLength);
    append(text, "slow-disk", slowDiskGap, null);
    append(text, "disk-error", diskErrorGap, null);
    append(text, "clock-jump", clockJumpGap, null);
    append(text, "lie", lieGap, null);
    return text.toString();
  }

  private static void append(StringBuilder text, String name, Duration gap, Duration length) {
    if (!gap.isZero()) {
      text.append(' ').append(name).append("/").append(Durations.format(gap));
      if (length != null) {
        text.append("<=").append(Durations.format(length));
      }
    }
  }

  private static Duration gap(SimRandom random, boolean on, double minSeconds, double maxSeconds) {
    return on ? micros(random.between(minSeconds * 1e6, maxSeconds * 1e6)) : Duration.ZERO;
  }

  /** Durations are whole microseconds, so that a schedule's text form reads back exactly. */
  static Duration micros(double value) {
    return Duration.ofNanos(Math.round(value) * 1_000);
  }

  /** Probabilities have four decimals, for the same reason. */
  private static double round(double probability) {
    return Math.round(probability * 10_000) / 10_000.0;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "FaultRates[%s]", describe());
  }
}

package io.keel.sim;

import java.time.Duration;
import java.util.Locale;

/**
 * How the simulated network treats each message: a one-way delay drawn uniformly from
 * {@code [delayMin, delayMax]}, plus, with probability {@code tailProbability}, an extra delay drawn
 * from an exponential distribution of mean {@code tailMean} (a long tail, which reorders messages);
 * loss with probability {@code dropProbability}; a second copy with probability
 * {@code duplicateProbability}. Validated when built, naming the field and its range.
 *
 * @param delayMin the shortest one-way delay
 * @param delayMax the longest one-way delay before the tail
 * @param tailProbability chance of an extra, long delay, in [0, 1]
 * @param tailMean mean of the extra delay
 * @param dropProbability chance that a message is lost, in [0, 0.5]
 * @param duplicateProbability chance that a message arrives twice, in [0, 0.5]
 */
public record NetworkModel(
    Duration delayMin,
    Duration delayMax,
    double tailProbability,
    Duration tailMean,
    double dropProbability,
    double duplicateProbability) {

  /** Validates every field. */
  public NetworkModel {
    Checks.nonNegative("delayMin", delayMin);
    Checks.nonNegative("delayMax", delayMax);
    if (delayMax.compareTo(delayMin) < 0) {
      throw new IllegalArgumentException("delayMax must be >= delayMin (" + delayMin + "), got " + delayMax);
    }
    Checks.probability("tailProbability", tailProbability, 1.0);
    Checks.nonNegative("tailMean", tailMean);
    Checks.probability("dropProbability", dropProbability, 0.5);
    Checks.probability("duplicateProbability", duplicateProbability, 0.5);
  }

  /** A reliable LAN: 1–5 ms one way, no tail, no loss, no duplicates. */
  public static NetworkModel reliable() {
    return new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(5), 0, Duration.ZERO, 0, 0);
  }

  /** This model with another delay range. */
  public NetworkModel withDelay(Duration min, Duration max) {
    return new NetworkModel(min, max, tailProbability, tailMean, dropProbability, duplicateProbability);
  }

  /** This model with another loss probability. */
  public NetworkModel withDrop(double probability) {
    return new NetworkModel(delayMin, delayMax, tailProbability, tailMean, probability, duplicateProbability);
  }

  /** This model with another duplication probability. */
  public NetworkModel withDuplicate(double probability) {
    return new NetworkModel(delayMin, delayMax, tailProbability, tailMean, dropProbability, probability);
  }

  /** This model with another long tail. */
  public NetworkModel withTail(double probability, Duration mean) {
    return new NetworkModel(delayMin, delayMax, probability, mean, dropProbability, duplicateProbability);
  }

  /** This model without loss, duplicates or tail: what the network returns to when it heals. */
  public NetworkModel healed() {
    return new NetworkModel(delayMin, delayMax, 0, Duration.ZERO, 0, 0);
  }

  /** A delay drawn from this model, in nanoseconds. */
  long sampleDelayNanos(SimRandom random) {
    long delay = random.between(delayMin.toNanos(), delayMax.toNanos());
    if (tailProbability > 0 && random.chance(tailProbability)) {
      delay += (long) random.exponential(tailMean.toNanos());
    }
    return delay;
  }

  /** A compact description, as the fault schedule prints it. */
  public String describe() {
    return String.format(Locale.ROOT, "delay=%s..%s tail=%.4f/%s drop=%.4f duplicate=%.4f",
        Durations.format(delayMin), Durations.format(delayMax), tailProbability, Durations.format(tailMean),
        dropProbability, duplicateProbability);
  }
}

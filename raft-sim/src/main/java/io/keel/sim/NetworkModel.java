package io.keel.sim;

import java.time.Duration;
import java.util.Locale;

/**
 * How the simulated network treats each message: a one-way delay drawn uniformly from
 * {@code [delayMin, delayMax]}, plus, with probability {@code tailProbability}, an extra delay drawn
 * from an exponential distribution of mean {@code tailMean} (a long tail, which reorders messages);
 * with probability {@code stragglerProbability}, a delay of up to {@code stragglerMax} instead (a
 * straggler, which arrives after elections have come and gone); with probability
 * {@code holdProbability}, held back until the next message on its link has arrived (a bounded
 * reordering, even on a link with no delay spread); loss with probability {@code dropProbability};
 * a second copy with probability {@code duplicateProbability}. Validated when built, naming the
 * field and its range.
 *
 * @param delayMin the shortest one-way delay
 * @param delayMax the longest one-way delay before the tail
 * @param tailProbability chance of an extra, long delay, in [0, 1]
 * @param tailMean mean of the extra delay
 * @param dropProbability chance that a message is lost, in [0, 0.5]
 * @param duplicateProbability chance that a message arrives twice, in [0, 0.5]
 * @param stragglerProbability chance that a message is a straggler, in [0, 0.5]
 * @param stragglerMax the longest delay of a straggler
 * @param holdProbability chance that a message waits for the next one on its link, in [0, 0.5]
 */
public record NetworkModel(
    Duration delayMin,
    Duration delayMax,
    double tailProbability,
    Duration tailMean,
    double dropProbability,
    double duplicateProbability,
    double stragglerProbability,
    Duration stragglerMax,
    double holdProbability) {

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
    Checks.probability("stragglerProbability", stragglerProbability, 0.5);
    Checks.nonNegative("stragglerMax", stragglerMax);
    Checks.probability("holdProbability", holdProbability, 0.5);
  }

  /** A reliable LAN: 1–5 ms one way, no tail, no loss, no duplicates, no stragglers, in order per link. */
  public static NetworkModel reliable() {
    return new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(5), 0, Duration.ZERO, 0, 0, 0, Duration.ZERO, 0);
  }

  /** This model with another delay range. */
  public NetworkModel withDelay(Duration min, Duration max) {
    return new NetworkModel(min, max, tailProbability, tailMean, dropProbability, duplicateProbability,
        stragglerProbability, stragglerMax, holdProbability);
  }

  /** This model with another loss probability. */
  public NetworkModel withDrop(double probability) {
    return new NetworkModel(delayMin, delayMax, tailProbability, tailMean, probability, duplicateProbability,
        stragglerProbability, stragglerMax, holdProbability);
  }

  /** This model with another duplication probability. */
  public NetworkModel withDuplicate(double probability) {
    return new NetworkModel(delayMin, delayMax, tailProbability, tailMean, dropProbability, probability,
        stragglerProbability, stragglerMax, holdProbability);
  }

  /** This model with another long tail. */
  public NetworkModel withTail(double probability, Duration mean) {
    return new NetworkModel(delayMin, delayMax, probability, mean, dropProbability, duplicateProbability,
        stragglerProbability, stragglerMax, holdProbability);
  }

  /** This model with other stragglers. */
  public NetworkModel withStragglers(double probability, Duration max) {
    return new NetworkModel(delayMin, delayMax, tailProbability, tailMean, dropProbability, duplicateProbability,
        probability, max, holdProbability);
  }

  /** This model with another chance of holding a message back behind the next on its link. */
  public NetworkModel withHold(double probability) {
    return new NetworkModel(delayMin, delayMax, tailProbability, tailMean, dropProbability, duplicateProbability,
        stragglerProbability, stragglerMax, probability);
  }

  /** This model without loss, duplicates, tail, stragglers or holds: what the network returns to when it heals. */
  public NetworkModel healed() {
    return new NetworkModel(delayMin, delayMax, 0, Duration.ZERO, 0, 0, 0, Duration.ZERO, 0);
  }

  /** A delay drawn from this model, in nanoseconds. */
  long sampleDelayNanos(SimRandom random) {
    if (stragglerProbability > 0 && random.chance(stragglerProbability)) {
      return random.between(delayMax.toNanos(), Math.max(delayMax.toNanos(), stragglerMax.toNanos()));
    }
    long delay = random.between(delayMin.toNanos(), delayMax.toNanos());
    if (tailProbability > 0 && random.chance(tailProbability)) {
      delay += (long) random.exponential(tailMean.toNanos());
    }
    return delay;
  }

  /** A compact description, as the fault schedule prints it; stragglers and holds only when on. */
  public String describe() {
    String text = String.format(Locale.ROOT, "delay=%s..%s tail=%.4f/%s drop=%.4f duplicate=%.4f",
        Durations.format(delayMin), Durations.format(delayMax), tailProbability, Durations.format(tailMean),
        dropProbability, duplicateProbability);
    if (stragglerProbability > 0) {
      text += String.format(Locale.ROOT, " straggler=%.4f/%s", stragglerProbability, Durations.format(stragglerMax));
    }
    if (holdProbability > 0) {
      text += String.format(Locale.ROOT, " hold=%.4f", holdProbability);
    }
    return text;
  }
}

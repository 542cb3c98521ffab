package io.keel.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything a run's environment does to the cluster, decided in advance: the network's behaviour,
 * the disks' fsync latency and whether crashes tear unsynced writes, each node's clock drift, and
 * the timed faults. The {@link Nemesis} draws one from a seed; a {@link Scenario} writes one by
 * hand; {@code --shrink} makes one smaller. Its text form ({@link #describe}, {@link #parse}) is one
 * line per setting or fault:
 *
 * <pre>
 * network delay=1ms..5ms tail=0.020/40ms drop=0.0100 duplicate=0.0050
 * disk fsync=2ms torn-writes=on
 * spares 2
 * drift n1=+1200ppm n2=-300ppm n3=0ppm n4=0ppm n5=0ppm
 * at 1.5s crash n2
 * at 2s membership grow
 * at 3s partition split n1,n2|n3
 * at 50s heal
 * </pre>
 *
 * @param network how the network treats messages until a {@link Fault.Network} changes it
 * @param fsyncLatency the disks' typical fsync latency
 * @param tornWrites whether a crash may keep part of the unsynced writes (else it loses them all)
 * @param driftPpm each node's clock drift in parts per million, node 1 first, spares included
 * @param faults the timed faults, in time order
 * @param buggify the rare but legal paths the simulator's own machinery takes
 * @param spares how many nodes run beside the cluster's founding ones, numbered after them: they
 *     start empty, as nodes that join, and take part only once a {@link Fault.Membership} adds them
 */
public record FaultSchedule(
    NetworkModel network,
    Duration fsyncLatency,
    boolean tornWrites,
    List<Long> driftPpm,
    List<Timed> faults,
    Buggify buggify,
    int spares) {

  /**
   * Rare but legal behaviour of the simulated disks, event loop and state machine ("buggify"): a
   * disk that reports one fsync's durability in two steps, or twice; timers that fire late, as on a
   * loaded event thread; a state machine that applies committed entries late, sometimes very late.
   * Nothing a real store or runtime is forbidden to do, and paths a calm run rarely takes.
   *
   * @param splitReports chance that an fsync covering several appends reports an earlier point first
   * @param repeatReports chance that a durability report is delivered twice
   * @param lateTimers chance that a timer fires up to {@link #LATE_TIMER_MAX_NANOS} late
   * @param applyLagMicros the longest an ordinary batch of committed entries waits to be applied
   * @param slowApplies chance that a batch waits up to {@link #SLOW_APPLY_MAX_NANOS} instead
   */
  public record Buggify(double splitReports, double repeatReports, double lateTimers, long applyLagMicros,
      double slowApplies) {

    /** The longest a late timer is late. */
    public static final long LATE_TIMER_MAX_NANOS = 20_000_000;
    /** The longest a slow state machine takes to apply a batch. */
    public static final long SLOW_APPLY_MAX_NANOS = 200_000_000;

    /** Nothing unusual: entries are applied as soon as they are committed (in an event of their own). */
    public static final Buggify NONE = new Buggify(0, 0, 0, 0, 0);

    /** Validates the probabilities. */
    public Buggify {
      Checks.probability("splitReports", splitReports, 1.0);
      Checks.probability("repeatReports", repeatReports, 1.0);
      Checks.probability("lateTimers", lateTimers, 1.0);
      Checks.range("applyLagMicros", applyLagMicros, 0, 1_000_000);
      Checks.probability("slowApplies", slowApplies, 1.0);
    }

    /** The schedule line's settings. */
    String describe() {
      return String.format(Locale.ROOT,
          "split-reports=%.4f repeat-reports=%.4f late-timers=%.4f apply-lag-us=%d slow-applies=%.4f",
          splitReports, repeatReports, lateTimers, applyLagMicros, slowApplies);
    }
  }

  /** A fault at a simulated time. */
  public record Timed(Duration at, Fault fault) {
    /** Validates the time. */
    public Timed {
      Checks.nonNegative("at", at);
      Objects.requireNonNull(fault, "fault");
    }

    /** The schedule line for this fault. */
    public String describe() {
      return "at " + Durations.format(at) + " " + fault.describe();
    }
  }

  /** Validates the fields and sorts the faults by time (stably, so equal times keep their order). */
  public FaultSchedule {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(buggify, "buggify");
    Checks.nonNegative("fsyncLatency", fsyncLatency);
    Checks.range("spares", spares, 0, 8);
    driftPpm = List.copyOf(driftPpm);
    for (long drift : driftPpm) {
      Checks.range("driftPpm", drift, -200_000, 200_000);
    }
    List<Timed> sorted = new ArrayList<>(faults);
    sorted.sort(Comparator.comparing(Timed::at));
    faults = List.copyOf(sorted);
  }

  /** No faults at all: a reliable network, 1 ms fsyncs, no drift, nothing injected. */
  public static FaultSchedule none(int nodes) {
    return new FaultSchedule(NetworkModel.reliable(), Duration.ofMillis(1), false,
        Collections.nCopies(nodes, 0L), List.of(), Buggify.NONE, 0);
  }

  /** This schedule with {@code count} spare nodes, which do not drift. */
  public FaultSchedule withSpares(int count) {
    List<Long> drift = new ArrayList<>(driftPpm.subList(0, driftPpm.size() - spares));
    drift.addAll(Collections.nCopies(count, 0L));
    return new FaultSchedule(network, fsyncLatency, tornWrites, drift, faults, buggify, count);
  }

  /** This schedule with other faults. */
  public FaultSchedule withFaults(List<Timed> newFaults) {
    return new FaultSchedule(network, fsyncLatency, tornWrites, driftPpm, newFaults, buggify, spares);
  }

  /** This schedule with another network model. */
  public FaultSchedule withNetwork(NetworkModel newNetwork) {
    return new FaultSchedule(newNetwork, fsyncLatency, tornWrites, driftPpm, faults, buggify, spares);
  }

  /** This schedule with other disk settings. */
  public FaultSchedule withDisk(Duration newFsyncLatency, boolean newTornWrites) {
    return new FaultSchedule(network, newFsyncLatency, newTornWrites, driftPpm, faults, buggify, spares);
  }

  /** This schedule with other clock drifts. */
  public FaultSchedule withDrift(List<Long> newDriftPpm) {
    return new FaultSchedule(network, fsyncLatency, tornWrites, newDriftPpm, faults, buggify, spares);
  }

  /** This schedule with other rare paths. */
  public FaultSchedule withBuggify(Buggify newBuggify) {
    return new FaultSchedule(network, fsyncLatency, tornWrites, driftPpm, faults, newBuggify, spares);
  }

  /** When the last {@link Fault.Heal} happens, or null if none does. */
  public Duration healAt() {
    Duration heal = null;
    for (Timed timed : faults) {
      if (timed.fault() instanceof Fault.Heal) {
        heal = timed.at();
      }
    }
    return heal;
  }

  /** The schedule as text, one line per setting and fault; {@link #parse} reads it back. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append("network ").append(network.describe()).append('\n');
    text.append("disk fsync=").append(Durations.format(fsyncLatency))
        .append(" torn-writes=").append(tornWrites ? "on" : "off").append('\n');
    if (spares > 0) {
      text.append("spares ").append(spares).append('\n');
    }
    text.append("drift");
    for (int i = 0; i < driftPpm.size(); i++) {
      text.append(String.format(Locale.ROOT, " n%d=%+dppm", i + 1, driftPpm.get(i)));
    }
    text.append('\n');
    if (!buggify.equals(Buggify.NONE)) {
      text.append("buggify ").append(buggify.describe()).append('\n');
    }
    for (Timed timed : faults) {
      text.append(timed.describe()).append('\n');
    }
    return text.toString();
  }

  /**
   * Reads a schedule for a cluster of {@code founders} nodes (and the spares its {@code spares}
   * line names) from its text form. Blank lines and lines from {@code #} on are ignored; settings
   * not given keep {@link #none}'s values.
   *
   * @throws IllegalArgumentException naming the line, if one cannot be read
   */
  public static FaultSchedule parse(int founders, String text) {
    String[] lines = text.split("\n", -1);
    int spares = sparesIn(lines);
    int nodes = founders + spares;
    FaultSchedule schedule = none(founders).withSpares(spares);
    List<Timed> faults = new ArrayList<>();
    for (int number = 1; number <= lines.length; number++) {
      String line = lines[number - 1].replaceAll("#.*", "").trim();
      if (line.isEmpty()) {
        continue;
      }
      try {
        String[] words = line.split("\\s+", 2);
        String rest = words.length > 1 ? words[1] : "";
        switch (words[0]) {
          case "network" -> schedule = schedule.withNetwork(ScheduleText.network(rest));
          case "disk" -> schedule = ScheduleText.disk(schedule, rest);
          case "drift" -> schedule = schedule.withDrift(ScheduleText.drift(nodes, rest));
          case "buggify" -> schedule = schedule.withBuggify(ScheduleText.buggify(rest));
          case "at" -> faults.add(ScheduleText.timed(nodes, rest));
          case "spares" -> { } // read first
          default -> throw new IllegalArgumentException("expected network, disk, spares, drift, buggify or at");
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("schedule line " + number + " '" + line + "': " + e.getMessage(), e);
      }
    }
    return schedule.withFaults(faults);
  }

  /** The count on the {@code spares N} line, if any: it must be known before nodes are named. */
  private static int sparesIn(String[] lines) {
    int spares = 0;
    for (String raw : lines) {
      String[] words = raw.replaceAll("#.*", "").trim().split("\\s+");
      if (words[0].equals("spares")) {
        if (words.length != 2 || !words[1].matches("[0-8]")) {
          throw new IllegalArgumentException("schedule line '" + raw.trim() + "': spares is a count from 0 to 8");
        }
        spares = Integer.parseInt(words[1]);
      }
    }
    return spares;
  }
}

package io.keel.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Draws a run's {@link FaultSchedule} from its seed: first the seed's own fault rates
 * ({@link FaultRates}, swarm testing), then each kind of fault as a random process over the fault
 * period, then a heal at the start of the heal period. Every choice comes from the generator it is
 * given, so the same seed always gives the same schedule.
 */
public final class Nemesis {

  /** How many spare nodes a run with membership changes has beside its founding ones. */
  static final int MEMBERSHIP_SPARES = 2;

  private final SimRandom random;
  /** Every node, the spares included: faults strike any of them. */
  private final int nodes;
  private final int spares;
  private final Duration catchUpTimeout;
  /** Whether leaders keep read leases: then no clock jumps are drawn. */
  private final boolean leaseReads;
  private final long healAtMicros;
  private final Set<FaultKind> kinds;
  private FaultRates rates;
  private final List<FaultSchedule.Timed> faults = new ArrayList<>();

  private Nemesis(SimRandom random, SimulationConfig config) {
    this.random = random;
    this.spares = config.faults().contains(FaultKind.MEMBERSHIP) ? MEMBERSHIP_SPARES : 0;
    this.nodes = config.nodes() + spares;
    this.catchUpTimeout = config.raft().catchUpTimeout();
    this.leaseReads = config.raft().leaseReads();
    this.healAtMicros = config.healAt().toNanos() / 1_000;
    this.kinds = config.faults();
    this.rates = FaultRates.draw(random, kinds);
  }

  /** The rates and schedule {@code config}'s seed decides, drawn from {@code random}. */
  public static Drawn draw(SimRandom random, SimulationConfig config) {
    Nemesis nemesis = new Nemesis(random, config);
    FaultSchedule schedule = nemesis.schedule();
    return new Drawn(nemesis.rates, schedule);
  }

  /** The schedule a simulation of {@code config} runs under when it is given none. */
  public static FaultSchedule scheduleOf(SimulationConfig config) {
    return draw(new SimRandom(config.seed()).fork(), config).schedule();
  }

  /** What the nemesis drew: the rates, printed with the seed, and the schedule they gave. */
  public record Drawn(FaultRates rates, FaultSchedule schedule) {}

  private FaultSchedule schedule() {
    // Membership changes draw from a stream of their own, forked first and only when they are on:
    // runs without them draw as before, and the other kinds do not shift their times.
    SimRandom membershipRandom = spares > 0 ? random.fork() : null;
    List<Long> drift = new ArrayList<>();
    for (int node = 1; node <= nodes; node++) {
      drift.add(rates.maxDriftPpm() == 0 ? 0 : random.between(-rates.maxDriftPpm(), rates.maxDriftPpm()));
    }
    partitions();
    crashes();
    pauses();
    slowDisks();
    diskErrors();
    clockJumps();
    FaultSchedule.Buggify buggify = buggify();
    lies();
    memberships(membershipRandom);
    faults.add(new FaultSchedule.Timed(Duration.ofNanos(healAtMicros * 1_000), new Fault.Heal()));
    return new FaultSchedule(rates.network(), rates.fsyncLatency(), rates.tornWrites(), drift, faults, buggify,
        spares);
  }

  /**
   * Membership changes and leadership transfers, at a gap each seed draws: growing onto the spares
   * and shrinking back, replacing a voter with a new empty node, learners added and promoted, and
   * transfers to a random or the most lagging voter. The last comes a catch-up timeout and a second
   * before the heal, so that every change has ended, one way or the other, when liveness is judged.
   */
  private void memberships(SimRandom membershipRandom) {
    if (membershipRandom == null) {
      return;
    }
    Duration gap = FaultRates.micros(membershipRandom.between(300_000, 4_000_000));
    // A change still catching up at the heal could go on after it; one that ends in time cannot.
    long lastMicros = healAtMicros - (catchUpTimeout.toNanos() / 1_000 + 1_000_000);
    for (long at = nextFrom(membershipRandom, 0, gap); at < lastMicros; at = nextFrom(membershipRandom, at, gap)) {
      double kind = membershipRandom.nextDouble();
      Fault.MembershipOp op = kind < 0.2 ? Fault.MembershipOp.GROW
          : kind < 0.4 ? Fault.MembershipOp.SHRINK
          : kind < 0.5 ? Fault.MembershipOp.REPLACE
          : kind < 0.6 ? Fault.MembershipOp.ADD_LEARNER
          : kind < 0.7 ? Fault.MembershipOp.PROMOTE
          : kind < 0.85 ? Fault.MembershipOp.TRANSFER
          : Fault.MembershipOp.TRANSFER_LAGGING;
      add(at, new Fault.Membership(op, 0));
    }
  }

  /** Rare, legal paths of the disks, the event loop and the state machine, each on for some seeds only. */
  private FaultSchedule.Buggify buggify() {
    boolean disk = kinds.contains(FaultKind.DISK);
    boolean clock = kinds.contains(FaultKind.CLOCK);
    double split = disk && random.chance(0.5) ? round4(random.between(0.05, 0.5)) : 0;
    double repeat = disk && random.chance(0.3) ? round4(random.between(0.01, 0.1)) : 0;
    double late = clock && random.chance(0.5) ? round4(random.between(0.01, 0.2)) : 0;
    long applyLag = disk && random.chance(0.7) ? random.between(1L, 5_000L) : 0;
    double slowApplies = disk && random.chance(0.3) ? round4(random.between(0.001, 0.02)) : 0;
    return new FaultSchedule.Buggify(split, repeat, late, applyLag, slowApplies);
  }

  private static double round4(double probability) {
    return Math.round(probability * 10_000) / 10_000.0;
  }

  /**
   * Partitions of every shape; a third of them aimed at the leader: cut off with a random minority
   * the moment the partition starts, or with the followers that hold its uncommitted entries, the
   * moment only a minority does.
   */
  private void partitions() {
    for (long at = next(0, rates.partitionGap()); at < healAtMicros; at = next(at, rates.partitionGap())) {
      double kind = random.nextDouble();
      if (kind < 0.2 && nodes >= 3) {
        add(at, new Fault.IsolateLeaderWithMinority());
      } else if (kind < 0.33 && nodes >= 3) {
        add(at, new Fault.MomentFault(Fault.Moment.MINORITY_ACKNOWLEDGED, Duration.ZERO));
      } else {
        add(at, new Fault.Cut(randomPartition()));
      }
      long end = at + upTo(rates.partitionLength());
      if (end < healAtMicros) {
        add(end, new Fault.Cut(Partition.none(nodes)));
      }
    }
  }

  private Partition randomPartition() {
    int node = randomNode();
    if (nodes < 3) {
      return Partition.isolate(nodes, node);
    }
    return switch ((int) random.nextLong(4)) {
      case 0 -> Partition.isolate(nodes, node);
      case 1 -> Partition.split(nodes, randomSide(1 + (int) random.nextLong(nodes - 1)));
      case 2 -> Partition.asymmetric(nodes, randomSide(1 + (int) random.nextLong(nodes / 2)));
      default -> {
        int[] others = randomSide(nodes - 1, node);
        int half = 1 + (int) random.nextLong(others.length - 1);
        yield Partition.bridge(nodes, node, Arrays.copyOf(others, half));
      }
    };
  }

  /**
   * Crashes of random nodes; a third of them aimed at protocol moments: a leader holding durable
   * entries no one else has (kept for later terms, as in Figure 8), or a node whose vote is not
   * durable yet; some of the leader, whoever it is.
   */
  private void crashes() {
    for (long at = next(0, rates.crashGap()); at < healAtMicros; at = next(at, rates.crashGap())) {
      double kind = random.nextDouble();
      if (kind < 0.1 && nodes >= 3) {
        add(at, new Fault.Figure8());
        continue;
      }
      if (kind < 0.33) {
        Fault.Moment moment = kind < 0.2 ? Fault.Moment.LEADER_UNREPLICATED : Fault.Moment.VOTE_NOT_DURABLE;
        add(at, new Fault.MomentFault(moment, Duration.ofNanos(upTo(rates.downtime()) * 1_000)));
        continue;
      }
      if (kind < 0.45) {
        add(at, new Fault.MomentFault(Fault.Moment.LEADS, Duration.ofNanos(upTo(rates.downtime()) * 1_000)));
        continue;
      }
      int node = randomNode();
      add(at, new Fault.Crash(node));
      long restart = at + upTo(rates.downtime());
      if (restart < healAtMicros) {
        add(restart, new Fault.Restart(node));
      }
    }
  }

  private void pauses() {
    for (long at = next(0, rates.pauseGap()); at < healAtMicros; at = next(at, rates.pauseGap())) {
      add(at, new Fault.Pause(randomNode(), Duration.ofNanos(upTo(rates.pauseLength()) * 1_000)));
    }
  }

  private void slowDisks() {
    for (long at = next(0, rates.slowDiskGap()); at < healAtMicros; at = next(at, rates.slowDiskGap())) {
      double factor = Math.round(random.between(5, 100));
      add(at, new Fault.SlowDisk(randomNode(), factor, FaultRates.micros(random.between(200_000, 3_000_000))));
    }
  }

  private void diskErrors() {
    for (long at = next(0, rates.diskErrorGap()); at < healAtMicros; at = next(at, rates.diskErrorGap())) {
      int node = randomNode();
      add(at, new Fault.DiskError(node));
      long restart = at + (long) random.between(500_000, 3_000_000);
      if (restart < healAtMicros) {
        add(restart, new Fault.Crash(node));
        add(restart, new Fault.Restart(node));
      }
    }
  }

  /** Clock jumps, except where leaders keep read leases, which trust clocks to drift within their bound. */
  private void clockJumps() {
    if (leaseReads) {
      return;
    }
    for (long at = next(0, rates.clockJumpGap()); at < healAtMicros; at = next(at, rates.clockJumpGap())) {
      add(at, new Fault.ClockJump(randomNode(), FaultRates.micros(random.between(10_000, 500_000))));
    }
  }

  private void lies() {
    rates = rates.withLieGap(FaultRates.drawLieGap(random, kinds));
    for (long at = next(0, rates.lieGap()); at < healAtMicros; at = next(at, rates.lieGap())) {
      add(at, new Fault.Lie(randomNode(), 1 + (int) random.nextLong(8)));
    }
  }

  /** The start of the next fault of a kind with mean gap {@code gap}, or never if the kind is off. */
  private long next(long fromMicros, Duration gap) {
    return nextFrom(random, fromMicros, gap);
  }

  private static long nextFrom(SimRandom source, long fromMicros, Duration gap) {
    if (gap.isZero()) {
      return Long.MAX_VALUE;
    }
    return fromMicros + 1 + (long) source.exponential(gap.toNanos() / 1_000.0);
  }

  private long upTo(Duration longest) {
    return 1 + random.nextLong(Math.max(1, longest.toNanos() / 1_000));
  }

  private int randomNode() {
    return 1 + (int) random.nextLong(nodes);
  }

  /** {@code size} distinct nodes, other than {@code excluded}, in random order. */
  private int[] randomSide(int size, int... excluded) {
    List<Integer> candidates = new ArrayList<>();
    for (int node = 1; node <= nodes; node++) {
      boolean skip = false;
      for (int x : excluded) {
        skip |= x == node;
      }
      if (!skip) {
        candidates.add(node);
      }
    }
    int[] side = new int[size];
    for (int i = 0; i < size; i++) {
      side[i] = candidates.remove((int) random.nextLong(candidates.size()));
    }
    return side;
  }

  private void add(long atMicros, Fault fault) {
    faults.add(new FaultSchedule.Timed(Duration.ofNanos(atMicros * 1_000), fault));
  }
}

package io.keel.sim;

import io.keel.raft.StateMachine;
import io.keel.sim.check.Checkers;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the cluster-health checkers ({@link Checkers.Settings}) need to know of a run: its timeouts,
 * how soon a leader without a majority must step down, when the heal comes, and the commit rate
 * the same settings reach with no fault at all, which a short reference run measures.
 */
final class HealthChecks {

  private HealthChecks() {}

  /**
   * What the cluster-health checkers need: the timeouts, how soon a leader must have stepped down
   * without a majority (the timeout and a heartbeat, stretched by the largest clock drift, plus a
   * millisecond), the heal, and the fault-free commit rate.
   */
  static Checkers.Settings settings(SimulationConfig config, FaultSchedule schedule,
      double referencePerSecond) {
    long maxDriftPpm = 0;
    for (long drift : schedule.driftPpm()) {
      maxDriftPpm = Math.max(maxDriftPpm, Math.abs(drift));
    }
    long minTimeout = config.raft().electionTimeoutMin().toNanos();
    long lease = minTimeout + config.raft().heartbeatInterval().toNanos();
    long late = schedule.buggify().lateTimers() > 0 ? FaultSchedule.Buggify.LATE_TIMER_MAX_NANOS : 0;
    long bound = (long) (lease / (1 - maxDriftPpm / 1e6)) + late + 1_000_000;
    Duration heal = schedule.healAt();
    return new Checkers.Settings(config.nodes() + schedule.spares(), minTimeout, config.raft().checkQuorum() ? bound : -1,
        config.raft().checkQuorum(), heal == null ? -1 : heal.toNanos(), referencePerSecond);
  }

  /**
   * The rate at which clients' commands are acknowledged when nothing goes wrong: a short run of
   * the same settings, clients and network (healed) with no fault, measured after its first
   * second. Zero if the run has no heal to compare with, or no clients.
   */
  static <R> double referenceRate(SimulationConfig config, FaultSchedule schedule,
      Supplier<? extends StateMachine<R>> stateMachines, Workload workload) {
    if (schedule.healAt() == null || config.clients() == 0) {
      return 0;
    }
    Duration length = Duration.ofSeconds(4);
    SimulationConfig calm = config.withFaults(EnumSet.noneOf(FaultKind.class)).withSimulatedTime(length)
        .withHealPeriod(Duration.ZERO);
    // A slow state machine is part of the settings, not a fault that heals: the reference keeps it.
    FaultSchedule.Buggify buggify = schedule.buggify();
    FaultSchedule none = new FaultSchedule(schedule.network().healed(), schedule.fsyncLatency(), false,
        schedule.driftPpm(), List.of(),
        new FaultSchedule.Buggify(0, 0, 0, buggify.applyLagMicros(), buggify.slowApplies()), schedule.spares());
    Simulation<R> reference = new Simulation<>(calm, none, stateMachines, workload, true);
    long[] acknowledged = new long[1];
    reference.countAcknowledgedFrom(1_000_000_000L, acknowledged);
    reference.run();
    return acknowledged[0] / ((length.toNanos() - 1_000_000_000L) / 1e9);
  }

}

package io.keel.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Makes a failing run's fault schedule smaller while it still fails (delta debugging): first it
 * removes faults, in ever smaller chunks; then it calms the network (no loss, duplicates or long
 * tail), turns off torn writes and stops clock drift, keeping each change only if the run still
 * fails. The heal stays, so the liveness check keeps its meaning. A failure of the same kind counts
 * (safety or livelock), even if another property breaks.
 */
public final class Shrinker {

  /** The outcome: the smaller schedule, the report of its failing run, and how many runs it took. */
  public record Result(FaultSchedule schedule, SimulationReport report, int runs) {}

  private final Function<FaultSchedule, SimulationReport> runner;
  private final boolean livelock;
  private final int maxRuns;
  private int runs;
  private SimulationReport lastFailure;

  /**
   * A shrinker that runs schedules with {@code runner}, looking for failures of the kind of
   * {@code failure}, and gives up after {@code maxRuns} runs.
   */
  public Shrinker(Function<FaultSchedule, SimulationReport> runner, SimulationReport failure, int maxRuns) {
    if (failure.ok()) {
      throw new IllegalArgumentException("seed " + failure.seed() + " did not fail: nothing to shrink");
    }
    this.runner = runner;
    this.livelock = failure.livelock();
    this.maxRuns = maxRuns;
    this.lastFailure = failure;
  }

  /** Shrinks {@code schedule}, which fails. */
  public Result shrink(FaultSchedule schedule) {
    FaultSchedule current = removeFaults(schedule);
    current = tryChange(current, current.withNetwork(current.network().withDrop(0)));
    current = tryChange(current, current.withNetwork(current.network().withDuplicate(0)));
    current = tryChange(current, current.withNetwork(current.network().withTail(0, Duration.ZERO)));
    current = tryChange(current, current.withDisk(current.fsyncLatency(), false));
    current = tryChange(current, current.withDrift(Collections.nCopies(current.driftPpm().size(), 0L)));
    current = removeFaults(current);
    return new Result(current, lastFailure, runs);
  }

  private FaultSchedule removeFaults(FaultSchedule schedule) {
    List<FaultSchedule.Timed> faults = new ArrayList<>(schedule.faults());
    int chunks = 2;
    while (faults.size() > 1 && runs < maxRuns) {
      int chunkSize = Math.max(1, faults.size() / chunks);
      boolean removedAny = false;
      for (int start = faults.size() - chunkSize; start >= 0 && runs < maxRuns; start -= chunkSize) {
        List<FaultSchedule.Timed> without = new ArrayList<>(faults.subList(0, start));
        without.addAll(faults.subList(Math.min(faults.size(), start + chunkSize), faults.size()));
        if (keepsHeal(faults, without) && fails(schedule.withFaults(without))) {
          faults = without;
          removedAny = true;
          start = Math.min(start, faults.size());
        }
      }
      if (!removedAny) {
        if (chunkSize == 1) {
          break;
        }
        chunks = Math.min(faults.size(), chunks * 2);
      }
    }
    return schedule.withFaults(faults);
  }

  private static boolean keepsHeal(List<FaultSchedule.Timed> before, List<FaultSchedule.Timed> after) {
    return before.stream().noneMatch(timed -> timed.fault() instanceof Fault.Heal)
        || after.stream().anyMatch(timed -> timed.fault() instanceof Fault.Heal);
  }

  private FaultSchedule tryChange(FaultSchedule current, FaultSchedule candidate) {
    if (runs < maxRuns && !candidate.equals(current) && fails(candidate)) {
      return candidate;
    }
    return current;
  }

  private boolean fails(FaultSchedule schedule) {
    runs++;
    SimulationReport report = runner.apply(schedule);
    if (!report.ok() && report.livelock() == livelock) {
      lastFailure = report;
      return true;
    }
    return false;
  }
}

package io.keel.sim.cli;

import io.keel.sim.SimulationReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs many seeds on all cores: each worker thread takes the next seed, runs it, and adds its
 * figures to the totals. Failing seeds are printed as they are found, each with the commands that
 * replay and shrink it; a progress bar with rate and ETA is drawn on a terminal.
 */
final class SeedRunner {

  /** The totals of a multi-seed run. */
  record Totals(long seeds, long violations, long livelocks, double simulatedSeconds, long events,
      double wallSeconds, long snapshotsTaken, long snapshotsInstalled, long flushedRunsLost, long readsServed,
      long leaseReadsServed,
      long membershipChanges,
      List<SimulationReport> failures) {

    String summary(RunSettings settings) {
      return String.format(Locale.ROOT,
          "%,d seeds (%d nodes, faults %s): %d violations, %d livelocks; %,.0f simulated seconds, %,d events "
              + "in %.1f s (%,.0f seeds/min, %,.0f events/s); %,d snapshots taken, %,d installed from a leader; "
              + "%,d flushed runs of persistent state machines taken back by crashes and replayed; "
              + "%,d linearizable reads served and checked (%,d by lease); %,d membership changes and transfers completed",
          seeds, settings.nodes(), settings.faultsText(), violations, livelocks, simulatedSeconds, events,
          wallSeconds, seeds / wallSeconds * 60, events / wallSeconds, snapshotsTaken, snapshotsInstalled,
          flushedRunsLost, readsServed, leaseReadsServed, membershipChanges);
    }

    String json() {
      StringBuilder failed = new StringBuilder();
      for (SimulationReport failure : failures) {
        failed.append(failed.length() == 0 ? "" : ",").append(failure.seed());
      }
      String first = failures.isEmpty() ? "null" : "\"" + jsonText(failures.get(0).violation()) + "\"";
      return String.format(Locale.ROOT,
          "{\"seeds\":%d,\"violations\":%d,\"livelocks\":%d,\"simulated_seconds\":%.3f,\"events\":%d,"
              + "\"wall_seconds\":%.3f,\"seeds_per_minute\":%.1f,\"events_per_second\":%.0f,\"failed_seeds\":[%s],"
              + "\"first_violation\":%s,\"snapshots_taken\":%d,\"snapshots_installed\":%d,"
              + "\"flushed_runs_lost\":%d,\"reads_served\":%d,\"lease_reads_served\":%d,\"membership_changes\":%d}",
          seeds, violations, livelocks, simulatedSeconds, events, wallSeconds, seeds / wallSeconds * 60,
          events / wallSeconds, failed, first, snapshotsTaken, snapshotsInstalled, flushedRunsLost, readsServed,
          leaseReadsServed, membershipChanges);
    }

    private static String jsonText(String text) {
      StringBuilder escaped = new StringBuilder();
      for (char c : text.toCharArray()) {
        if (c == '"' || c == '\\') {
          escaped.append('\\').append(c);
        } else if (c < 0x20) {
          escaped.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        } else {
          escaped.append(c);
        }
      }
      return escaped.toString();
    }
  }

  private final RunSettings settings;
  private final int threads;
  private final PrintWriter out;
  private final ProgressBar progress;
  private final boolean stopOnFailure;

  SeedRunner(RunSettings settings, int threads, PrintWriter out, ProgressBar progress, boolean stopOnFailure) {
    this.settings = settings;
    this.threads = threads;
    this.out = out;
    this.progress = progress;
    this.stopOnFailure = stopOnFailure;
  }

  Totals run(long startSeed, long count) throws InterruptedException {
    AtomicLong next = new AtomicLong(startSeed);
    // With stopOnFailure, no seed above the lowest failing one starts, and every seed below it has
    // started already (seeds are taken in order), so the lowest failure found is the first one.
    AtomicLong end = new AtomicLong(startSeed + count);
    AtomicLong done = new AtomicLong();
    AtomicLong violations = new AtomicLong();
    AtomicLong livelocks = new AtomicLong();
    AtomicLong simulatedNanos = new AtomicLong();
    AtomicLong events = new AtomicLong();
    AtomicLong snapshotsTaken = new AtomicLong();
    AtomicLong snapshotsInstalled = new AtomicLong();
    AtomicLong flushedRunsLost = new AtomicLong();
    AtomicLong readsServed = new AtomicLong();
    AtomicLong leaseReadsServed = new AtomicLong();
    AtomicLong membershipChanges = new AtomicLong();
    List<SimulationReport> failures = new ArrayList<>();
    long startWall = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        for (long seed = next.getAndIncrement(); seed < end.get(); seed = next.getAndIncrement()) {
          SimulationReport report = settings.run(seed, null, null);
          simulatedNanos.addAndGet(report.simulatedNanos());
          events.addAndGet(report.events());
          snapshotsTaken.addAndGet(report.snapshotsTaken());
          snapshotsInstalled.addAndGet(report.snapshotsInstalled());
          flushedRunsLost.addAndGet(report.flushedRunsLost());
          readsServed.addAndGet(report.readsServed());
          leaseReadsServed.addAndGet(report.leaseReadsServed());
          membershipChanges.addAndGet(report.membershipChanges());
          if (!report.ok()) {
            if (stopOnFailure) {
              end.accumulateAndGet(seed, Math::min);
            }
            (report.livelock() ? livelocks : violations).incrementAndGet();
            synchronized (failures) {
              failures.add(report);
              progress.clear();
              out.println(failureLine(report));
              out.flush();
            }
          }
          long finished = done.incrementAndGet();
          synchronized (failures) {
            progress.update(finished, count, violations.get(), livelocks.get());
          }
        }
      }, "raft-sim-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    progress.clear();
    failures.sort(Comparator.comparingLong(SimulationReport::seed));
    return new Totals(done.get(), violations.get(), livelocks.get(), simulatedNanos.get() / 1e9, events.get(),
        (System.nanoTime() - startWall) / 1e9, snapshotsTaken.get(), snapshotsInstalled.get(), flushedRunsLost.get(),
        readsServed.get(),
        leaseReadsServed.get(), membershipChanges.get(), failures);
  }

  private String failureLine(SimulationReport report) {
    String jar = "java -jar raft-sim/target/raft-sim.jar";
    return "seed " + report.seed() + " " + (report.livelock() ? "LIVELOCK" : "VIOLATION") + " ("
        + settings.protocolOf(report.seed()) + "): " + report.violation() + "\n"
        + "  replay: " + jar + " --replay " + report.seed() + " " + settings.options() + "\n"
        + "  shrink: " + jar + " --shrink " + report.seed() + " " + settings.options();
  }
}

package io.keel.fault;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code java -jar raft-fault/target/keel-fault.jar}: runs the fault test of the key-value service,
 * one seed after another, for a number of runs or of minutes; prints each run's summary and a
 * total, and exits 0 if every run passed, 1 otherwise. See docs/fault-testing.md.
 */
@Command(name = "keel-fault", mixinStandardHelpOptions = true,
    description = "Fault-test keel-kv: real processes, a seeded nemesis, every history checked for linearizability.")
public final class FaultRun implements Callable<Integer> {

  @Option(names = "--seed", description = "The first run's seed (default: drawn at random, and printed).")
  Long seed;

  @Option(names = "--runs", description = "How many runs, seeds seed, seed+1, ... (default: ${DEFAULT-VALUE}).")
  int runs = 1;

  @Option(names = "--minutes", description = "Run seeds one after another for this long instead of --runs.")
  Double minutes;

  @Option(names = "--nodes", description = "Nodes, 3 to 7 (default: ${DEFAULT-VALUE}).")
  int nodes = 5;

  @Option(names = "--groups", description = "Raft groups (default: ${DEFAULT-VALUE}).")
  int groups = 2;

  @Option(names = "--keys", description = "Keys the clients use (default: ${DEFAULT-VALUE}).")
  int keys = 5;

  @Option(names = "--workers", description = "Client threads (default: ${DEFAULT-VALUE}).")
  int workers = 8;

  @Option(names = "--fault-seconds", description = "How long the nemesis injects faults per run (default: ${DEFAULT-VALUE}).")
  int faultSeconds = 60;

  @Option(names = "--quiet-seconds", description = "How long the clients go on after the heal (default: ${DEFAULT-VALUE}).")
  int quietSeconds = 10;

  @Option(names = "--election-timeout-ms", description = "The nodes' election timeout (default: ${DEFAULT-VALUE}).")
  int electionTimeoutMs = 500;

  @Option(names = "--faults", split = ",", description = "Faults to inject (default: all): ${COMPLETION-CANDIDATES}.")
  List<Nemesis.Fault> faults = new ArrayList<>(EnumSet.allOf(Nemesis.Fault.class));

  @Option(names = "--out", description = "Where runs keep their files (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("fault-runs");

  @Option(names = "--reads", description = "The clients' read mode: linearizable (default), lease, or local, which"
      + " serves stale reads under partitions, to see the checker catch them.")
  String reads = "linearizable";

  @Option(names = "--keep", description = "Keep the files of passing runs too.")
  boolean keep;

  /** Runs the command line {@code args}; exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new FaultRun()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (nodes < 3 || nodes > 7 || groups < 1 || keys < 1 || workers < 1 || faultSeconds < 1 || faults.isEmpty()
        || !List.of("linearizable", "lease", "local").contains(reads)) {
      System.err.println("--nodes must be 3 to 7; --groups, --keys, --workers, --fault-seconds and --faults at least 1;"
          + " --reads linearizable, lease or local");
      return 2;
    }
    long first = seed != null ? seed : Math.floorMod(new SecureRandom().nextLong(), 1_000_000L);
    long deadline = minutes == null ? Long.MAX_VALUE : System.nanoTime() + (long) (minutes * 60e9);
    int passed = 0;
    List<Long> failed = new ArrayList<>();
    for (long s = first; minutes != null ? System.nanoTime() < deadline : s < first + runs; s++) {
      FaultRunner.Outcome outcome = runOne(s);
      if (outcome.passed()) {
        passed++;
      } else {
        failed.add(s);
      }
    }
    System.out.printf("%d runs from seed %d: %d passed, %d failed%s%n", passed + failed.size(), first, passed,
        failed.size(), failed.isEmpty() ? "" : " (seeds " + failed + "; repeat one with --seed S)");
    return failed.isEmpty() ? 0 : 1;
  }

  private FaultRunner.Outcome runOne(long runSeed) throws Exception {
    Path dir = out.resolve("seed-" + runSeed);
    FaultRunner.Settings settings = new FaultRunner.Settings(runSeed, nodes, groups, keys, workers,
        Duration.ofSeconds(faultSeconds), Duration.ofSeconds(quietSeconds), Duration.ofMillis(electionTimeoutMs),
        Set.copyOf(faults), dir, reads);
    FaultRunner.Outcome outcome = new FaultRunner(settings, System.out).run();
    if (outcome.passed() && !keep) {
      FaultRunner.delete(dir);
    }
    return outcome;
  }
}

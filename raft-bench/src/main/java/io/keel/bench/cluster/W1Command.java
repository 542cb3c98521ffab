package io.keel.bench.cluster;

import io.keel.bench.BenchFiles;
import io.keel.bench.limits.MachineLimits;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.runtime.RaftGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Workload W1: three voting nodes on 127.0.0.1 over the Netty transport, each with its own fresh
 * directory and the durable file log; C commands in flight against the leader, in-process; one
 * result line per run. With {@code --processes 3}, two of the nodes run in child JVMs.
 *
 * <p>By default ({@code --snapshots default}) every node takes snapshots by {@link
 * io.keel.raft.snapshot.SnapshotPolicy#DEFAULT} into the file snapshot store and compacts its log by
 * the default {@link io.keel.raft.RaftConfig} settings ({@link KvStateMachine} says how it takes a
 * point-in-time view), as a deployed node would; without them a long run's log would grow by
 * gigabytes a minute. {@code --snapshots off} runs without; {@code --snapshots both} runs W1
 * without and then with snapshots, one result line each, so the two can be read side by side.
 */
@Command(name = "w1", mixinStandardHelpOptions = true,
    description = "Cluster throughput and latency: 3 nodes, durable file log, loopback TCP, closed loop of C clients.")
public final class W1Command implements Callable<Integer> {

  @Option(names = "--clients", required = true, description = "Commands in flight (C), 1 to 100000.")
  int clients;

  @Option(names = "--warmup-s", defaultValue = "5", description = "Warm-up seconds (default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--measure-s", defaultValue = "15", description = "Measured seconds (default ${DEFAULT-VALUE}).")
  int measureSeconds;

  @Option(names = "--processes", defaultValue = "1",
      description = "1: all three nodes in this JVM; 3: this JVM runs n1 and the client, n2 and n3 run in child JVMs.")
  int processes;

  @Option(names = "--dir", description = "Where to make the nodes' fresh directories (default: the system temp dir).")
  Path baseDir;

  @Option(names = "--snapshots", defaultValue = "default",
      description = "default (the default), off or both: with the default SnapshotPolicy on the file snapshot store "
          + "and the default RaftConfig snapshot settings, or without snapshots, or both one after the other; the "
          + "result line ends with snapshots=default|off.")
  String snapshots;

  @Option(names = "--skip-limits",
      description = "Do not measure fsync and loopback RTT first (by default they are, and p50 is reported against them).")
  boolean skipLimits;

  /** The longest warm-up or measurement accepted: a day. */
  private static final int MAX_SECONDS = 86_400;

  @Spec
  CommandSpec spec;

  private final PrintStream out = System.out;
  private final PrintStream info = System.err;

  @Override
  public Integer call() throws Exception {
    validate();
    List<String> modes = snapshots.equals("both") ? List.of("off", "default") : List.of(snapshots);
    Path root = Files.createTempDirectory(baseDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : baseDir, "keel-w1-");
    try {
      MachineLimits.Figures machine = skipLimits ? null : MachineLimits.measure(root);
      for (String mode : modes) {
        Path dir = modes.size() == 1 ? root : Files.createDirectory(root.resolve(mode));
        int exit = runOnce(dir, mode, machine);
        if (exit != 0) {
          return exit;
        }
      }
      return 0;
    } finally {
      BenchFiles.deleteRecursively(root);
    }
  }

  private void validate() {
    if (clients < 1 || clients > 100_000) {
      throw new ParameterException(spec.commandLine(), "--clients must be in [1, 100000], got " + clients);
    }
    if (warmupSeconds < 0 || warmupSeconds > MAX_SECONDS) {
      throw new ParameterException(spec.commandLine(),
          "--warmup-s must be in [0, " + MAX_SECONDS + "], got " + warmupSeconds);
    }
    if (measureSeconds < 1 || measureSeconds > MAX_SECONDS) {
      throw new ParameterException(spec.commandLine(),
          "--measure-s must be in [1, " + MAX_SECONDS + "], got " + measureSeconds);
    }
    if (processes != 1 && processes != 3) {
      throw new ParameterException(spec.commandLine(), "--processes must be 1 or 3, got " + processes);
    }
    if (!List.of("off", "default", "both").contains(snapshots)) {
      throw new ParameterException(spec.commandLine(), "--snapshots must be off, default or both, got " + snapshots);
    }
  }

  /**
   * One W1 run in {@code root}: {@code mode} is "off" or "default" (the line ends with
   * {@code snapshots=MODE}).
   */
  private int runOnce(Path root, String mode, MachineLimits.Figures machine) throws Exception {
    boolean snapshotsOn = "default".equals(mode);
    info.printf("# W1: 3 voters, file log with fsync per batch (durable), Netty over 127.0.0.1, %s, C=%d, warm-up %d s, measured %d s%s%n",
        processes == 1 ? "one JVM" : "three JVMs", clients, warmupSeconds, measureSeconds,
        snapshotsOn ? ", snapshots by the default policy" : ", snapshots off");
    try (W1Cluster cluster = processes == 1 ? W1Cluster.inProcess(root, snapshotsOn)
        : W1Cluster.threeProcesses(root, snapshotsOn)) {
      RaftGroup<Integer> leader = cluster.awaitLeader(Duration.ofSeconds(30));
      long firstTerm = leader.status().term();
      info.printf("# leader %s in term %d%n", leader.node(), firstTerm);
      ClosedLoop loop = new ClosedLoop(cluster::currentLeader, new Workload(1), clients);
      loop.start(clients);
      sleepSeconds(warmupSeconds);
      Usage before = Usage.now();
      loop.beginMeasuring();
      long start = System.nanoTime();
      sleepSeconds(measureSeconds);
      Histogram histogram = loop.endMeasuring();
      long elapsed = System.nanoTime() - start;
      Usage used = Usage.now().minus(before);
      long retries = loop.retries();
      loop.stop();
      if (loop.failure() != null) {
        info.println("# a proposal failed: " + loop.failure());
        return 1;
      }
      long ops = histogram.getTotalCount();
      long elections = cluster.statuses().stream().mapToLong(GroupStatus::term).max().orElse(firstTerm) - firstTerm;
      out.printf("system=keel C=%d ops_s=%.0f p50_us=%d p99_us=%d p999_us=%d elections=%d snapshots=%s%n", clients,
          ops / (elapsed / 1e9), histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
          histogram.getValueAtPercentile(99.9), elections, mode);
      info.printf("# %d elections after the first leader (warm-up and measured window); %d commands retried in the "
          + "measured window because leadership moved or the leader was busy%n", elections, retries);
      reportUsage(used, ops, elapsed);
      if (machine != null) {
        double floor = machine.fsyncP50Micros() + machine.rttP50Micros();
        info.printf("# limits: fsync p50 %.0f us, loopback RTT p50 %.0f us; p50 = %.2f x (fsync + RTT)%n",
            machine.fsyncP50Micros(), machine.rttP50Micros(), histogram.getValueAtPercentile(50) / floor);
      }
      reportNodes(cluster, snapshotsOn);
      return 0;
    }
  }

  /** Each node's role and indexes, file log, timer lateness and, with snapshots, newest snapshot. */
  private void reportNodes(W1Cluster cluster, boolean snapshotsOn) {
    for (GroupStatus status : cluster.statuses()) {
      info.printf("# %s %s term=%d commit=%d applied=%d%n", status.node(), status.role(), status.term(),
          status.commitIndex(), status.appliedIndex());
    }
    cluster.storageStats().forEach((node, stats) -> stats.ifPresent(log -> info.printf(
        "# %s log: %d syncs, %.1f entries per sync; fsync mean %.0f us; append to durable mean %.0f us%n", node,
        log.syncs(), (double) log.entriesWritten() / Math.max(1, log.syncs()), log.fsyncLatency().meanNanos() / 1e3,
        log.appendLatency().meanNanos() / 1e3)));
    cluster.timerLateness().forEach((node, late) -> info.printf(
        "# %s timers ran late by p50 %.2f ms, p99 %.2f ms (within a factor of 2), max %.1f ms, over %d timers%n",
        node, late.p50Nanos() / 1e6, late.p99Nanos() / 1e6, late.maxNanos() / 1e6, late.count()));
    if (snapshotsOn) {
      cluster.latestSnapshots().forEach((node, latest) -> info.printf("# %s newest snapshot: %s%n", node,
          latest.map(snapshot -> snapshot.meta().lastIndex() + " (" + snapshot.sizeBytes() + " bytes)").orElse("none")));
    }
  }

  private void reportUsage(Usage used, long ops, long elapsed) {
    if (processes != 1) {
      return;
    }
    if (used.cpu() > 0) {
      info.printf("# cpu: %.1f us of CPU per committed command (all threads of this JVM; %.2f cores busy)%n",
          used.cpu() / 1000.0 / Math.max(1, ops), (double) used.cpu() / elapsed);
    }
    if (used.switches() >= 0) {
      info.printf("# context switches: %.1f per committed command (threads of this JVM)%n",
          (double) used.switches() / Math.max(1, ops));
    }
    if (used.allocated() >= 0) {
      info.printf("# allocation: %.0f bytes per committed command, all three nodes and the client together%n",
          (double) used.allocated() / Math.max(1, ops));
    }
  }

  /** The JVM's CPU time, context switches and allocated bytes, each -1 where unknown. */
  private record Usage(long cpu, long switches, long allocated) {
    static Usage now() {
      return new Usage(processCpuNanos(), contextSwitches(), allocatedBytes(ManagementFactory.getThreadMXBean()));
    }

    /** What was used since {@code before}; a figure unknown at either end stays -1. */
    Usage minus(Usage before) {
      return new Usage(cpu - before.cpu,
          switches < 0 || before.switches < 0 ? -1 : switches - before.switches,
          allocated < 0 || before.allocated < 0 ? -1 : allocated - before.allocated);
    }
  }

  private static long allocatedBytes(ThreadMXBean threads) {
    if (threads instanceof com.sun.management.ThreadMXBean hotspot && hotspot.isThreadAllocatedMemorySupported()) {
      return hotspot.getTotalThreadAllocatedBytes();
    }
    return -1;
  }

  /** Voluntary and involuntary context switches of this JVM's live threads (Linux), or -1. */
  private static long contextSwitches() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return -1;
    }
    long total = 0;
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : threads.toList()) {
        try {
          for (String line : Files.readAllLines(thread.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
              total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (IOException threadEnded) {
          // a thread that ended meanwhile: its switches are lost from both readings' view
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return total;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private static void sleepSeconds(int seconds) throws InterruptedException {
    TimeUnit.SECONDS.sleep(seconds);
  }

}

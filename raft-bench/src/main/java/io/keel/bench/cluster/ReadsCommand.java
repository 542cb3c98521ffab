package io.keel.bench.cluster;

import io.keel.bench.BenchFiles;
import io.keel.raft.RaftConfig;
import io.keel.raft.ReadMode;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.runtime.ReadStatus;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Linearizable reads on W1's cluster (three voters in this JVM, Netty over 127.0.0.1, the durable
 * file log, leases on): for each way of reading (read index on the leader, lease on the leader,
 * read index on a follower) and each count of readers in flight, reads per second and latency,
 * alone or beside W1's writes, and how many reads shared one round of leadership checks. One
 * result line per cell.
 */
@Command(name = "reads", mixinStandardHelpOptions = true,
    description = "Read throughput and latency: read index, lease and follower reads on W1's 3-node cluster.")
public final class ReadsCommand implements Callable<Integer> {

  /** The ways of reading measured. */
  enum Way {
    READ_INDEX("read-index", ReadMode.READ_INDEX, true),
    LEASE("lease", ReadMode.LEASE, true),
    FOLLOWER("follower", ReadMode.READ_INDEX, false);

    final String label;
    final ReadMode mode;
    final boolean onLeader;

    Way(String label, ReadMode mode, boolean onLeader) {
      this.label = label;
      this.mode = mode;
      this.onLeader = onLeader;
    }
  }

  @Option(names = "--readers", split = ",", defaultValue = "1,32,256",
      description = "Reads in flight, a comma-separated list (default ${DEFAULT-VALUE}).")
  int[] readers;

  @Option(names = "--writers", defaultValue = "0",
      description = "W1 commands in flight beside the reads; 0 for reads alone (default ${DEFAULT-VALUE}).")
  int writers;

  @Option(names = "--warmup-s", defaultValue = "2", description = "Warm-up seconds per cell (default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--measure-s", defaultValue = "5", description = "Measured seconds per cell (default ${DEFAULT-VALUE}).")
  int measureSeconds;

  @Option(names = "--dir", description = "Where to make the nodes' fresh directories (default: the system temp dir).")
  Path baseDir;

  @Spec
  CommandSpec spec;

  private final PrintStream out = System.out;
  private final PrintStream info = System.err;

  @Override
  public Integer call() throws Exception {
    validate();
    Path root = Files.createTempDirectory(baseDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : baseDir,
        "keel-reads-");
    RaftConfig config = RaftConfig.builder().leaseReads(true).build();
    info.printf("# reads: 3 voters in one JVM, file log, Netty over 127.0.0.1, leases on (%s); %d W1 writers beside;"
        + " warm-up %d s, measured %d s per cell%n", config.leaseDuration().toMillis() + " ms", writers, warmupSeconds,
        measureSeconds);
    try (W1Cluster cluster = W1Cluster.inProcess(root, false, config)) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      ClosedLoop writes = writers == 0 ? null : new ClosedLoop(cluster::currentLeader, new Workload(1), writers);
      if (writes != null) {
        writes.start(writers);
      }
      for (Way way : Way.values()) {
        for (int count : readers) {
          if (measure(cluster, way, count) != 0) {
            return 1;
          }
        }
      }
      if (writes != null) {
        writes.stop();
      }
      return 0;
    } finally {
      BenchFiles.deleteRecursively(root);
    }
  }

  private void validate() {
    if (readers.length == 0 || Arrays.stream(readers).anyMatch(count -> count < 1 || count > 100_000)) {
      throw new ParameterException(spec.commandLine(), "--readers must be counts in [1, 100000]");
    }
    if (writers < 0 || writers > 100_000) {
      throw new ParameterException(spec.commandLine(), "--writers must be in [0, 100000], got " + writers);
    }
    if (warmupSeconds < 0 || warmupSeconds > 3_600 || measureSeconds < 1 || measureSeconds > 3_600) {
      throw new ParameterException(spec.commandLine(), "--warmup-s must be in [0, 3600], --measure-s in [1, 3600]");
    }
  }

  /** One cell: {@code count} reads in flight, made {@code way}. */
  private int measure(W1Cluster cluster, Way way, int count) throws InterruptedException {
    Supplier<RaftGroup<Integer>> target = way.onLeader ? cluster::currentLeader : cluster::aFollower;
    ReadLoop loop = new ReadLoop(target, way.mode, count);
    loop.start(count);
    TimeUnit.SECONDS.sleep(warmupSeconds);
    ReadStatus before = leaderReads(cluster);
    long committedBefore = committed(cluster);
    loop.beginMeasuring();
    long start = System.nanoTime();
    TimeUnit.SECONDS.sleep(measureSeconds);
    Histogram histogram = loop.endMeasuring();
    long elapsed = System.nanoTime() - start;
    ReadStatus after = leaderReads(cluster);
    long written = committed(cluster) - committedBefore;
    long retries = loop.retries();
    loop.stop();
    if (loop.failure() != null) {
      info.println("# a read failed: " + loop.failure());
      return 1;
    }
    long rounds = after.roundsConfirmed() - before.roundsConfirmed();
    long byRound = after.readsByRound() - before.readsByRound();
    double seconds = elapsed / 1e9;
    out.printf("system=keel way=%s readers=%d writers=%d reads_s=%.0f p50_us=%d p99_us=%d p999_us=%d "
            + "reads_per_round=%.1f by_lease=%d writes_s=%.0f%n", way.label, count, writers,
        histogram.getTotalCount() / seconds, histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
        histogram.getValueAtPercentile(99.9), rounds == 0 ? 0.0 : (double) byRound / rounds,
        after.readsByLease() - before.readsByLease(), written / seconds);
    if (retries > 0) {
      info.printf("# %d reads asked again because leadership moved%n", retries);
    }
    return 0;
  }

  /** The read counts of the leader in this JVM (the node that confirms every read's round). */
  private static ReadStatus leaderReads(W1Cluster cluster) {
    List<ReadStatus> leaders = new ArrayList<>();
    for (GroupStatus status : cluster.statuses()) {
      if (status.isLeader()) {
        leaders.add(status.reads());
      }
    }
    return leaders.isEmpty() ? ReadStatus.NONE : leaders.get(0);
  }

  private static long committed(W1Cluster cluster) {
    return cluster.statuses().stream().mapToLong(GroupStatus::commitIndex).max().orElse(0);
  }

}

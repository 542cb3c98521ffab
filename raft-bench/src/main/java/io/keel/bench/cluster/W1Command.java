package io.keel.bench.cluster;

import io.keel.bench.limits.MachineLimits;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.runtime.RaftGroup;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    Path root = Files.createTempDirectory(baseDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : baseDir, "keel-w1-");
    MachineLimits.Figures machine = skipLimits ? null : MachineLimits.measure(root);
    info.printf("# W1: 3 voters, file log with fsync per batch (durable), Netty over 127.0.0.1, %s, C=%d, warm-up %d s, measured %d s%n",
        processes == 1 ? "one JVM" : "three JVMs", clients, warmupSeconds, measureSeconds);
    try (W1Cluster cluster = processes == 1 ? W1Cluster.inProcess(root) : W1Cluster.threeProcesses(root)) {
      RaftGroup<Integer> leader = cluster.awaitLeader(Duration.ofSeconds(30));
      info.printf("# leader %s in term %d%n", leader.node(), leader.status().term());
      ClosedLoop loop = new ClosedLoop(cluster::currentLeader, new Workload(1), clients);
      loop.start(clients);
      sleepSeconds(warmupSeconds);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long allocatedBefore = allocatedBytes(threads);
      long cpuBefore = processCpuNanos();
      long switchesBefore = contextSwitches();
      loop.beginMeasuring();
      long start = System.nanoTime();
      sleepSeconds(measureSeconds);
      Histogram histogram = loop.endMeasuring();
      long elapsed = System.nanoTime() - start;
      long ops = histogram.getTotalCount();
      long allocated = allocatedBytes(threads) - allocatedBefore;
      long cpu = processCpuNanos() - cpuBefore;
      long switches = contextSwitches() - switchesBefore;
      long retries = loop.retries();
      loop.stop();
      if (loop.failure() != null) {
        info.println("# a proposal failed: " + loop.failure());
        return 1;
      }
      double opsPerSecond = ops / (elapsed / 1e9);
      out.printf("system=keel C=%d ops_s=%.0f p50_us=%d p99_us=%d p999_us=%d%n", clients, opsPerSecond,
          histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9));
      if (retries > 0) {
        info.printf("# %d commands were retried on a new leader during the measured window%n", retries);
      }
      if (cpu > 0 && processes == 1) {
        info.printf("# cpu: %.1f us of CPU per committed command (all threads of this JVM; %.2f cores busy)%n",
            cpu / 1000.0 / Math.max(1, ops), (double) cpu / elapsed);
      }
      if (switchesBefore >= 0 && processes == 1) {
        info.printf("# context switches: %.1f per committed command (threads of this JVM)%n",
            (double) switches / Math.max(1, ops));
      }
      if (allocated >= 0 && processes == 1) {
        info.printf("# allocation: %.0f bytes per committed command, all three nodes and the client together%n",
            (double) allocated / Math.max(1, ops));
      }
      if (machine != null) {
        double floor = machine.fsyncP50Micros() + machine.rttP50Micros();
        info.printf("# limits: fsync p50 %.0f us, loopback RTT p50 %.0f us; p50 = %.2f x (fsync + RTT)%n",
            machine.fsyncP50Micros(), machine.rttP50Micros(), histogram.getValueAtPercentile(50) / floor);
      }
      for (GroupStatus status : cluster.statuses()) {
        info.printf("# %s %s term=%d commit=%d applied=%d%n", status.node(), status.role(), status.term(),
            status.commitIndex(), status.appliedIndex());
      }
      return 0;
    } finally {
      deleteRecursively(root);
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

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** The three nodes: all here, or n1 here and n2, n3 in child JVMs. */
  static final class W1Cluster implements AutoCloseable {
    private static final RaftConfig CONFIG = RaftConfig.defaults();

    private final List<BenchNode> local = new ArrayList<>();
    private final List<Process> children = new ArrayList<>();

    static W1Cluster inProcess(Path root) throws IOException {
      W1Cluster cluster = new W1Cluster();
      Map<NodeId, InetSocketAddress> addresses = freeAddresses(3);
      try {
        for (NodeId id : addresses.keySet()) {
          Map<NodeId, InetSocketAddress> peers = new LinkedHashMap<>(addresses);
          peers.remove(id);
          cluster.local.add(BenchNode.start(id, addresses.get(id), peers, root.resolve(id.value()), CONFIG));
        }
      } catch (IOException | RuntimeException e) {
        cluster.close();
        throw e;
      }
      return cluster;
    }

    static W1Cluster threeProcesses(Path root) throws IOException {
      W1Cluster cluster = new W1Cluster();
      Map<NodeId, InetSocketAddress> addresses = freeAddresses(3);
      String jar = new File(W1Command.class.getProtectionDomain().getCodeSource().getLocation().getPath()).getPath();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      try {
        for (NodeId id : addresses.keySet()) {
          Map<NodeId, InetSocketAddress> peers = new LinkedHashMap<>(addresses);
          peers.remove(id);
          if (id.value().equals("n1")) {
            cluster.local.add(BenchNode.start(id, addresses.get(id), peers, root.resolve(id.value()), CONFIG));
            continue;
          }
          List<String> command = new ArrayList<>(List.of(java, "-cp", jar, "io.keel.bench.BenchMain", "node",
              "--id", id.value(), "--listen", "127.0.0.1:" + addresses.get(id).getPort(),
              "--dir", root.resolve(id.value()).toString(),
              "--election-ms", "1500")); // children campaign late, so the in-process n1 wins
          peers.forEach((peer, address) -> {
            command.add("--peer");
            command.add(peer.value() + "=127.0.0.1:" + address.getPort());
          });
          // A child's log lines go to standard error, like ours: standard output holds only the result line.
          cluster.children.add(new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
      } catch (IOException | RuntimeException e) {
        cluster.close();
        throw e;
      }
      return cluster;
    }

    RaftGroup<Integer> awaitLeader(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (BenchNode node : local) {
          GroupStatus status = node.group.status();
          if (status != null && status.isLeader() && status.matchIndexes().size() == 2) {
            return node.group;
          }
        }
        for (Process child : children) {
          if (!child.isAlive()) {
            throw new IllegalStateException("a node process exited with code " + child.exitValue());
          }
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("no leader in this JVM within " + timeout.toSeconds() + " s");
    }

    /** The leader among the nodes in this JVM with both followers known, or null. */
    RaftGroup<Integer> currentLeader() {
      for (BenchNode node : local) {
        GroupStatus status = node.group.status();
        if (status != null && status.isLeader()) {
          return node.group;
        }
      }
      return null;
    }

    List<GroupStatus> statuses() {
      return local.stream().map(node -> node.group.status()).toList();
    }

    private static Map<NodeId, InetSocketAddress> freeAddresses(int count) throws IOException {
      Map<NodeId, InetSocketAddress> addresses = new LinkedHashMap<>();
      for (int i = 1; i <= count; i++) {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          addresses.put(NodeId.of("n" + i), new InetSocketAddress("127.0.0.1", probe.getLocalPort()));
        }
      }
      return addresses;
    }

    @Override
    public void close() {
      for (BenchNode node : local) {
        node.close();
      }
      for (Process child : children) {
        child.destroy();
        try {
          if (!child.waitFor(10, TimeUnit.SECONDS)) {
            child.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          child.destroyForcibly();
        }
      }
    }
  }
}

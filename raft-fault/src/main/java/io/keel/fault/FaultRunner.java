package io.keel.fault;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import io.keel.sim.linearizability.CheckLimits;
import io.keel.sim.linearizability.CheckResult;
import io.keel.sim.linearizability.HistoryRecorder;
import io.keel.sim.linearizability.LinearizabilityChecker;
import io.keel.sim.linearizability.RecordedOperation;
import io.keel.sim.linearizability.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run of the fault test under one seed: start the cluster, run the clients while the nemesis
 * injects faults, heal, let the cluster settle while the clients go on, read every key once more,
 * then judge. The run passes when the history is linearizable, every node's state machine holds
 * the same contents, and no process ended except by the nemesis. A failing run keeps its
 * directory: the history, every node's logs and configuration, and the seed.
 */
final class FaultRunner {

  /** What one run is asked to do. */
  record Settings(long seed, int nodes, int groups, int keys, int workers, Duration faultTime, Duration quietTime,
      Duration electionTimeout, Set<Nemesis.Fault> faults, Path dir, String readMode) {}

  /** What one run found. */
  record Outcome(long seed, boolean passed, List<String> problems, String summary) {}

  private final Settings settings;
  private final PrintStream out;

  FaultRunner(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  Outcome run() throws IOException, InterruptedException {
    Files.createDirectories(settings.dir());
    long start = System.nanoTime();
    String runId = Long.toString(Math.floorMod(settings.seed() * 7919 + System.nanoTime(), 46_656L), 36);
    List<String> problems = new ArrayList<>();
    StringBuilder summary = new StringBuilder();
    try (Network network = Networks.create(settings.nodes(), runId);
        FaultCluster cluster = new FaultCluster(network, settings.dir(), settings.groups(), settings.electionTimeout())) {
      summary.append(String.format("seed %d: %s%n", settings.seed(), network.describe()));
      cluster.startAll();
      awaitLeaders(cluster, Duration.ofSeconds(60));
      Path historyFile = settings.dir().resolve("history.jsonl");
      Nemesis nemesis = new Nemesis(cluster, settings.seed(), settings.faults(), start);
      Workload workload;
      try (HistoryRecorder history = HistoryRecorder.create(historyFile)) {
        workload = new Workload(cluster, history, settings.workers(), settings.keys(), settings.seed(),
            Duration.ofSeconds(5), settings.readMode());
        workload.start();
        nemesis.run(System.nanoTime() + settings.faultTime().toNanos());
        nemesis.healAll(Duration.ofSeconds(90));
        Thread.sleep(settings.quietTime().toMillis()); // the clients go on against a whole cluster
        workload.stop();
        finalReads(cluster, history, problems);
      }
      summary.append("  operations: ").append(workload.summary()).append('\n');
      summary.append("  faults: ").append(nemesis.injected()).append('\n');
      converge(cluster, problems, summary);
      for (int i = 0; i < cluster.size(); i++) {
        cluster.node(i).unexpectedExit().ifPresent(exit -> problems.add("a process died on its own: " + exit));
      }
      judge(historyFile, problems, summary);
      if (!problems.isEmpty()) {
        nemesis.log().forEach(line -> summary.append("  | ").append(line).append('\n'));
      }
    }
    summary.append(String.format("  %s in %.1f s%s%n", problems.isEmpty() ? "PASS" : "FAIL",
        (System.nanoTime() - start) / 1e9, problems.isEmpty() ? "" : ": history, logs and seed kept in "
            + settings.dir()));
    problems.forEach(problem -> summary.append("  problem: ").append(problem).append('\n'));
    out.print(summary);
    out.flush();
    Files.writeString(settings.dir().resolve("summary.txt"), summary);
    return new Outcome(settings.seed(), problems.isEmpty(), problems, summary.toString());
  }

  private void awaitLeaders(FaultCluster cluster, Duration timeout) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < cluster.size(); i++) {
      while (true) {
        try {
          if (cluster.groupsSeenBy(i).stream().noneMatch(view -> view.leader().equals("-"))
              && cluster.groupsSeenBy(i).size() == settings.groups()) {
            break;
          }
        } catch (IOException e) {
          // not up yet
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("the cluster elected no leaders within " + timeout + " (see " + settings.dir() + ")");
        }
        Thread.sleep(100);
      }
    }
  }

  /** Reads every key once more, linearizably, through a node drawn at random; recorded like any read. */
  private void finalReads(FaultCluster cluster, HistoryRecorder history, List<String> problems)
      throws InterruptedException {
    Random random = new Random(settings.seed());
    long process = 1_000_000;
    for (int k = 0; k < settings.keys(); k++) {
      String key = "k" + k;
      boolean read = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!read && System.nanoTime() < deadline) {
        int node = random.nextInt(cluster.size());
        RecordedOperation op = history.invokeRead(process, key);
        try (RespClient client = RespClient.connect(cluster.network().respAddress(node), Duration.ofSeconds(2))) {
          RespReply reply = client.send("GET", key).get(10, TimeUnit.SECONDS);
          if (reply instanceof RespReply.Bulk bulk) {
            op.okRead(bulk.text());
            read = true;
          } else {
            op.fail();
          }
        } catch (Exception e) {
          op.info();
          process++; // to be safe, the next attempt is another process
          Thread.sleep(100);
        }
      }
      if (!read) {
        problems.add("after the heal, " + key + " could not be read for 30 s");
      }
    }
  }

  /** Waits until every node has applied the same entries of each group, then compares their contents. */
  private void converge(FaultCluster cluster, List<String> problems, StringBuilder summary)
      throws InterruptedException {
    List<String> keys = new ArrayList<>();
    for (int k = 0; k < settings.keys(); k++) {
      keys.add("k" + k);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Map<Integer, List<String>> contents = new TreeMap<>();
    String applied = "";
    while (System.nanoTime() < deadline) {
      contents.clear();
      try {
        applied = appliedEverywhere(cluster);
        if (applied != null) {
          for (int i = 0; i < cluster.size(); i++) {
            contents.put(i, cluster.localContents(i, keys));
          }
          if (contents.values().stream().distinct().count() == 1) {
            summary.append("  converged: ").append(cluster.size()).append(" nodes hold the same ")
                .append(settings.keys()).append(" keys, applied ").append(applied).append('\n');
            return;
          }
        }
      } catch (IOException e) {
        // a node still starting: ask again
      }
      Thread.sleep(200);
    }
    problems.add("the nodes' state machines differ after 60 s: " + contents + " (applied " + applied + ")");
  }

  /** "kv-0=123 kv-1=456" when every node has applied as far as the highest commit index of each group, else null. */
  private static String appliedEverywhere(FaultCluster cluster) throws IOException {
    List<List<FaultCluster.GroupView>> views = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      views.add(cluster.groupsSeenBy(i));
    }
    StringBuilder applied = new StringBuilder();
    for (int g = 0; g < cluster.groups(); g++) {
      int group = g;
      long commit = views.stream().mapToLong(view -> view.get(group).commitIndex()).max().orElse(0);
      if (views.stream().anyMatch(view -> view.get(group).appliedIndex() != commit)) {
        return null;
      }
      applied.append(g == 0 ? "" : " ").append("kv-").append(g).append('=').append(commit);
    }
    return applied.toString();
  }

  private void judge(Path historyFile, List<String> problems, StringBuilder summary) throws IOException {
    try (LinearizabilityChecker checker = new LinearizabilityChecker(CheckLimits.withTimeout(Duration.ofSeconds(120)))) {
      CheckResult result = checker.check(historyFile);
      summary.append(String.format("  history: %s (%,d operations on %d keys, checked in %,d ms)%n",
          result.verdict().jsonName(), result.invocationCount(), result.keyCount(), result.elapsedMillis()));
      if (result.verdict() != Verdict.LINEARIZABLE) {
        List<String> keys = new ArrayList<>();
        result.failedKeys().forEach(key -> keys.add(key.key()));
        result.unknownKeys().forEach(key -> keys.add(key.key() + " (unknown)"));
        problems.add("the history is " + result.verdict().jsonName() + (result.badInput() != null ? ": "
            + result.badInput().getMessage() : " on keys " + keys) + "; `java -jar raft-sim/target/raft-sim.jar"
            + " check-history " + historyFile + "` explains it with a counterexample");
      }
    }
  }

  /** Deletes {@code dir} and everything in it, if it exists: a passing run's files, a node's data. */
  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}

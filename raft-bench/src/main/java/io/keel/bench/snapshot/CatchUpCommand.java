package io.keel.bench.snapshot;

import io.keel.bench.BenchFiles;
import io.keel.bench.limits.Bandwidth;
import io.keel.bench.limits.MachineLimits;
import io.keel.raft.RaftConfig;
import io.keel.raft.snapshot.SnapshotPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Catch-up by InstallSnapshot: how long an empty node takes to join a cluster whose state is large
 * and whose log was compacted, and (with {@code --restart}) how long a node takes to restart from
 * its snapshot and log, with the heap each needed.
 *
 * <p><b>The cluster.</b> Three voters in this JVM, n1 to n3 ({@link CatchUpCluster}), over the
 * Netty transport on 127.0.0.1, each with the durable file log (fsync per batch) and the file
 * snapshot store in its own directory under a temporary directory (in {@code --dir}, deleted at
 * the end). RaftConfig is the default but for {@code snapshotTrailingEntries} (0 here, so that
 * compaction removes the whole log behind the snapshot), the election timeouts (1 to 2 s, with a
 * heartbeat every 200 ms, instead of the default 0.5 to 1 s: while gigabytes go through the page
 * cache of a loaded 2-core machine, threads here stalled for 100 to 250 ms at times, and with the
 * 150 to 300 ms of the time the leader stepped down by CheckQuorum in about half the runs; see
 * docs/performance.md) and, if given, the chunk size and window.
 *
 * <p><b>The state</b> lives in a {@link FileKvStateMachine}: an append-only file of key/value
 * records per node with only counters on the heap, so the three replicas of 1 GiB of state fit in
 * a 256 MiB heap; a snapshot streams a prefix of that file, and a restore streams into a new one.
 * Only n1 and n2 run at first; they form a majority. The leader receives {@code --keys} records
 * ({@code --key-bytes} keys, {@code --value-bytes} values; by default 10 million records of 124
 * bytes, 1.24 GB) as real proposals of about {@code --batch-kib} each, a few in flight. The
 * snapshot policy is set to call for one snapshot when exactly those command bytes are applied, so
 * both nodes take one snapshot of the whole loaded state, and the leader compacts its log behind
 * it. Then {@code --tail-entries} one-record commands are proposed, so the log after the snapshot
 * is not empty.
 *
 * <p><b>Catch-up.</b> After a full GC, n3 is started with an empty directory. The leader finds it
 * needs entries that were compacted and streams the snapshot in chunks (at most
 * {@code maxInflightSnapshotChunks} of {@code snapshotChunkBytes} unanswered); n3 writes them to
 * its snapshot store, installs the snapshot, restores its state machine from it, and then receives
 * the tail by AppendEntries. The time measured runs from n3's start until its state machine has
 * applied up to the leader's commit index; it is split into connecting, receiving (until the
 * restore begins), restoring and applying the log. MB/s is the snapshot's payload over the whole
 * time. The run checks that n3's state (record count, bytes and CRC-32C of all records) equals the
 * leader's, and that it restored exactly one snapshot.
 *
 * <p><b>Restart</b> ({@code --restart}). n3 is stopped and started again from its directory with an
 * empty state machine: Keel opens the snapshot store (verifying the newest payload's CRC), restores
 * the state machine from it and replays the log after it once n3 learns the commit index.
 *
 * <p><b>Limits.</b> Unless {@code --skip-limits}, the fsync and loopback round trip of
 * {@code limits} and the bandwidth of a sequential file write and of a loopback TCP stream
 * ({@link Bandwidth}) are measured first; {@code limit_s} is the time they allow: the payload over
 * loopback while it is written once (the slower of the two), then written once more by the restore.
 *
 * <p><b>Heap.</b> Peak heap in use after any GC during the catch-up (or restart), and the pools'
 * peak usage (which counts garbage), by {@link HeapWatch}. Run with {@code -Xmx256m} to show that
 * the heap is bounded by the chunk window and buffers, not by the state.
 */
@Command(name = "catch-up", mixinStandardHelpOptions = true,
    description = "A new node catches up by InstallSnapshot from a compacted 3-node cluster; optionally, a restart.")
public final class CatchUpCommand implements Callable<Integer> {

  @Option(names = "--keys", defaultValue = "10000000", description = "Records loaded (default ${DEFAULT-VALUE}).")
  long keys;

  @Option(names = "--key-bytes", defaultValue = "16", description = "Bytes per key, 8 to 1024 (default ${DEFAULT-VALUE}).")
  int keyBytes;

  @Option(names = "--value-bytes", defaultValue = "100",
      description = "Bytes per value, 0 to 1048576 (default ${DEFAULT-VALUE}).")
  int valueBytes;

  @Option(names = "--batch-kib", defaultValue = "1024",
      description = "Bytes per load command, in KiB, 1 to 8192 (default ${DEFAULT-VALUE}).")
  int batchKib;

  @Option(names = "--load-window", defaultValue = "4",
      description = "Load commands in flight, 1 to 1024 (default ${DEFAULT-VALUE}).")
  int loadWindow;

  @Option(names = "--tail-entries", defaultValue = "10000",
      description = "One-record commands after the snapshot, 0 to 10000000 (default ${DEFAULT-VALUE}).")
  int tailEntries;

  @Option(names = "--trailing-entries", defaultValue = "0",
      description = "RaftConfig.snapshotTrailingEntries: entries kept behind the snapshot (default ${DEFAULT-VALUE}).")
  long trailingEntries;

  @Option(names = "--chunk-kib", description = "RaftConfig.snapshotChunkBytes in KiB (default: RaftConfig's, 1024).")
  Integer chunkKib;

  @Option(names = "--inflight-chunks", description = "RaftConfig.maxInflightSnapshotChunks (default: RaftConfig's, 4).")
  Integer inflightChunks;

  @Option(names = "--election-ms", defaultValue = "1000",
      description = "Minimum election timeout in ms, the maximum twice it (default ${DEFAULT-VALUE}; RaftConfig's is 500).")
  int electionMillis;

  @Option(names = "--restart", description = "Then restart the caught-up node and time its restore and replay too.")
  boolean restart;

  @Option(names = "--dir", description = "Where to make the run's temporary directory (default: the system temp dir).")
  Path baseDir;

  @Option(names = "--json", description = "Print each result as one JSON object instead of key=value words.")
  boolean json;

  @Option(names = "--skip-limits", description = "Do not measure the disk's and loopback's limits first.")
  boolean skipLimits;

  @Option(names = "--limits-mb", defaultValue = "512",
      description = "MB written to the disk and to a socket to measure their bandwidth (default ${DEFAULT-VALUE}).")
  int limitsMegabytes;

  @Option(names = "--timeout-s", defaultValue = "1800",
      description = "The longest any step may take before the run fails (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Spec
  CommandSpec spec;

  private final PrintStream out = System.out;
  private final PrintStream info = System.err;

  @Override
  public Integer call() throws Exception {
    RaftConfig config = validate();
    CatchUpRun.Settings settings = new CatchUpRun.Settings(keys, keyBytes, valueBytes, recordsPerCommand(),
        loadWindow, tailEntries, Duration.ofSeconds(timeoutSeconds));
    SnapshotPolicy policy = new SnapshotPolicy(Long.MAX_VALUE, settings.loadBytes()); // one snapshot, after the load
    Path base = baseDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : baseDir;
    Files.createDirectories(base);
    Path root = Files.createTempDirectory(base, "keel-catch-up-");
    try {
      CatchUpRun.Limits limits = measureLimits(root);
      info.printf("# catch-up: 3 voters, file log (fsync per batch) and file snapshots, Netty over 127.0.0.1, "
              + "chunks of %d KiB, %d in flight, heap max %d MiB, in %s%n", config.snapshotChunkBytes() >> 10,
          config.maxInflightSnapshotChunks(), HeapWatch.maxBytes() >> 20, root);
      CatchUpRun run = new CatchUpRun(settings, limits, info);
      boolean same;
      try (CatchUpCluster cluster = new CatchUpCluster(root, config, policy)) {
        CatchUpRun.Built built = run.build(cluster);
        ResultLine catchUp = run.catchUp(cluster, built);
        out.println(catchUp.format(json));
        same = catchUp.value("same_state").equals("true");
        if (restart) {
          ResultLine restarted = run.restart(cluster, built);
          out.println(restarted.format(json));
          same &= restarted.value("same_state").equals("true");
        }
      }
      return same ? 0 : 1;
    } finally {
      BenchFiles.deleteRecursively(root);
    }
  }

  private RaftConfig validate() {
    requireRange("--keys", keys, 1, 10_000_000_000L);
    requireRange("--key-bytes", keyBytes, KvRecords.MIN_KEY_BYTES, KvRecords.MAX_KEY_BYTES);
    requireRange("--value-bytes", valueBytes, 0, KvRecords.MAX_VALUE_BYTES);
    requireRange("--batch-kib", batchKib, 1, 8192);
    requireRange("--load-window", loadWindow, 1, 1024);
    requireRange("--tail-entries", tailEntries, 0, 10_000_000);
    requireRange("--limits-mb", limitsMegabytes, 1, 100_000);
    requireRange("--timeout-s", timeoutSeconds, 1, 86_400);
    RaftConfig.Builder config = RaftConfig.defaults().toBuilder()
        .electionTimeout(Duration.ofMillis(electionMillis), Duration.ofMillis(2L * electionMillis))
        .snapshotTrailingEntries(trailingEntries);
    if (chunkKib != null) {
      requireRange("--chunk-kib", chunkKib, 1, RaftConfig.MAX_SNAPSHOT_CHUNK_BYTES_LIMIT >> 10);
      config.snapshotChunkBytes(chunkKib << 10);
    }
    if (inflightChunks != null) {
      config.maxInflightSnapshotChunks(inflightChunks);
    }
    try {
      return config.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Records per load command: as many as fit in {@code --batch-kib}, at least one. */
  private int recordsPerCommand() {
    long recordBytes = KvRecords.recordBytes(keyBytes, valueBytes);
    return (int) Math.max(1, ((long) batchKib * 1024 - KvRecords.HEADER_BYTES) / recordBytes);
  }

  private void requireRange(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ParameterException(spec.commandLine(), option + " must be in [" + min + ", " + max + "], got " + value);
    }
  }

  private CatchUpRun.Limits measureLimits(Path root) throws IOException {
    if (skipLimits) {
      return new CatchUpRun.Limits(null, null);
    }
    MachineLimits.Figures latency = MachineLimits.measure(root);
    Bandwidth.Figures bandwidth = Bandwidth.measure(root, limitsMegabytes * 1_000_000L);
    info.printf("# limits: fsync p50 %.0f us, loopback RTT p50 %.0f us, disk write %.0f MB/s, loopback %.0f MB/s%n",
        latency.fsyncP50Micros(), latency.rttP50Micros(), bandwidth.diskWriteMBps(), bandwidth.loopbackMBps());
    return new CatchUpRun.Limits(latency, bandwidth);
  }

}

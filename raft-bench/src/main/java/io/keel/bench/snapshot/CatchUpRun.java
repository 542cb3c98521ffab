package io.keel.bench.snapshot;

import io.keel.bench.limits.Bandwidth;
import io.keel.bench.limits.MachineLimits;
import io.keel.bench.snapshot.CatchUpCluster.Member;
import io.keel.raft.NodeId;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.snapshot.SnapshotInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The steps of one catch-up benchmark on a {@link CatchUpCluster}: build the state on n1 and n2
 * by proposals, let them snapshot and compact, add a tail of entries after the snapshot; then
 * start the empty n3 and time its catch-up by InstallSnapshot and log; then, optionally, restart
 * n3 from its own snapshot and log and time that. Progress goes to {@code info} as comment lines.
 */
final class CatchUpRun {

  /** What the run is asked to do: the state's size and the protocol settings under test. */
  record Settings(long keys, int keyBytes, int valueBytes, int recordsPerCommand, int loadWindow, int tailEntries,
      Duration timeout) {
    long loadBytes() {
      return KvRecords.batchesBytes(keys, recordsPerCommand, keyBytes, valueBytes);
    }
  }

  /** The machine's limits the transfer is compared with; both null if they were not measured. */
  record Limits(MachineLimits.Figures latency, Bandwidth.Figures bandwidth) {}

  /** The cluster once built: its leader, the leader's snapshot, the commit index to reach and the state to match. */
  record Built(Member leader, SnapshotInfo snapshot, long commitIndex, FileKvStateMachine.Summary state) {}

  static final NodeId LATE = NodeId.of("n3");
  private static final long SEED = 42;
  private static final int TAIL_WINDOW = 256;

  private final Settings settings;
  private final Limits limits;
  private final PrintStream info;

  CatchUpRun(Settings settings, Limits limits, PrintStream info) {
    this.settings = settings;
    this.limits = limits;
    this.info = info;
  }

  /** Starts n1 and n2, loads the state, waits for both snapshots, then appends the tail. */
  Built build(CatchUpCluster cluster) throws IOException, InterruptedException {
    for (NodeId id : cluster.ids()) {
      if (!id.equals(LATE)) {
        cluster.start(id);
      }
    }
    Member leader = cluster.awaitLeader(settings.timeout());
    info.printf("# %s leads; loading %d keys (%d-byte keys, %d-byte values) in commands of %d records, %.1f MB%n",
        leader.node().id, settings.keys(), settings.keyBytes(), settings.valueBytes(), settings.recordsPerCommand(),
        settings.loadBytes() / 1e6);
    long start = System.nanoTime();
    CatchUpCluster.proposeAll(leader.group(), KvRecords.batches(0, settings.keys(), settings.recordsPerCommand(),
        settings.keyBytes(), settings.valueBytes(), SEED), settings.loadWindow(), settings.timeout());
    double loadSeconds = seconds(System.nanoTime() - start);
    info.printf("# loaded in %.1f s (%.0f MB/s of commands)%n", loadSeconds, settings.loadBytes() / 1e6 / loadSeconds);
    for (NodeId id : cluster.ids()) {
      if (!id.equals(LATE)) {
        Member member = cluster.member(id);
        CatchUpCluster.await(() -> member.group().latestSnapshot().isPresent(), settings.timeout(),
            id + "'s snapshot");
        info.printf("# %s snapshot %s%n", id, describe(member.group().latestSnapshot().orElseThrow()));
      }
    }
    info.printf("# snapshots written %.1f s after the load began%n", seconds(System.nanoTime() - start));
    CatchUpCluster.proposeAll(leader.group(), KvRecords.batches(settings.keys(), settings.tailEntries(), 1,
        settings.keyBytes(), settings.valueBytes(), SEED), TAIL_WINDOW, settings.timeout());
    // The status's commit index may be from an earlier burst than its applied index: take the higher.
    long commitIndex = Math.max(leader.status().commitIndex(), leader.machine().summary().appliedIndex());
    for (NodeId id : cluster.ids()) {
      if (!id.equals(LATE)) {
        Member member = cluster.member(id);
        CatchUpCluster.await(() -> member.status().appliedIndex() >= commitIndex, settings.timeout(),
            id + " to apply up to " + commitIndex);
      }
    }
    SnapshotInfo snapshot = leader.group().latestSnapshot().orElseThrow();
    info.printf("# %d tail entries after the snapshot; commit index %d%n", settings.tailEntries(), commitIndex);
    return new Built(leader, snapshot, commitIndex, leader.machine().summary());
  }

  /** Starts the empty n3 and waits until it has applied up to the commit index; its result line. */
  ResultLine catchUp(CatchUpCluster cluster, Built built) throws IOException, InterruptedException {
    System.gc(); // what the load left in the heap is not the catch-up's
    try (HeapWatch heap = HeapWatch.start()) {
      long start = System.nanoTime();
      Member late = cluster.start(LATE);
      long connected = awaitCaughtUp(late, built);
      long end = System.nanoTime();
      FileKvStateMachine.Restore restore = late.machine().lastRestore();
      if (restore == null || late.machine().restores() != 1) {
        throw new IllegalStateException(LATE + " caught up without restoring a snapshot once ("
            + late.machine().restores() + " restores): the leader's log was not compacted past it");
      }
      SnapshotInfo received = late.group().latestSnapshot().orElseThrow();
      ResultLine line = new ResultLine("catch-up");
      addState(line, built);
      line.add("seconds", seconds(end - start), 2)
          .add("mb_s", built.snapshot().sizeBytes() / 1e6 / seconds(end - start), 0)
          .add("connect_s", seconds(connected - start), 2)
          .add("transfer_s", seconds(restore.startNanos() - start), 2)
          .add("restore_s", restore.seconds(), 2)
          .add("log_s", seconds(end - restore.endNanos()), 2)
          .add("received_index", received.lastIndex())
          .add("log_entries", built.commitIndex() - received.lastIndex());
      addHeap(line, heap);
      addLimits(line, built.snapshot().sizeBytes(), seconds(end - start));
      return line.add("same_state", sameState(late, built));
    }
  }

  /**
   * Stops n3 and starts it again from its directory, with an empty state machine: Keel restores
   * its newest snapshot and replays its log after it, and then n3 learns the commit index from
   * the leader. Waits until it has applied up to the commit index; the result line.
   */
  ResultLine restart(CatchUpCluster cluster, Built built) throws IOException, InterruptedException {
    cluster.stop(LATE);
    System.gc();
    try (HeapWatch heap = HeapWatch.start()) {
      long start = System.nanoTime();
      Member restarted = cluster.start(LATE); // opens the stores and restores the snapshot before it returns
      long started = System.nanoTime();
      awaitCaughtUp(restarted, built);
      long end = System.nanoTime();
      FileKvStateMachine.Restore restore = restarted.machine().lastRestore();
      if (restore == null) {
        throw new IllegalStateException(LATE + " restarted without restoring its snapshot");
      }
      SnapshotInfo own = restarted.group().latestSnapshot().orElseThrow();
      ResultLine line = new ResultLine("restart");
      addState(line, built);
      line.add("seconds", seconds(end - start), 2)
          .add("mb_s", own.sizeBytes() / 1e6 / seconds(end - start), 0)
          .add("open_s", seconds(restore.startNanos() - start), 2)
          .add("restore_s", restore.seconds(), 2)
          .add("replay_s", seconds(end - started), 2)
          .add("snapshot_index", own.lastIndex())
          .add("log_entries", built.commitIndex() - own.lastIndex());
      addHeap(line, heap);
      return line.add("same_state", sameState(restarted, built));
    }
  }

  /** Waits for {@code member} to apply up to the built commit index; returns when it first connected to the leader. */
  private long awaitCaughtUp(Member member, Built built) throws InterruptedException {
    NodeId leader = built.leader().node().id;
    long[] connected = {-1};
    CatchUpCluster.await(() -> {
      if (connected[0] < 0 && member.node().transport.isConnected(leader)) {
        connected[0] = System.nanoTime();
      }
      GroupStatus status = member.status();
      if (status != null && status.failure().isPresent()) {
        throw new IllegalStateException(member.node().id + " failed: " + status.failure().get());
      }
      return status != null && status.appliedIndex() >= built.commitIndex();
    }, settings.timeout(), member.node().id + " to apply up to " + built.commitIndex());
    return connected[0] < 0 ? System.nanoTime() : connected[0];
  }

  private boolean sameState(Member member, Built built) {
    FileKvStateMachine.Summary mine = member.machine().summary();
    FileKvStateMachine.Summary leader = built.state();
    boolean same = mine.records() == leader.records() && mine.bytes() == leader.bytes()
        && mine.checksum() == leader.checksum();
    if (!same) {
      info.printf("# %s's state differs from the leader's: %s against %s%n", member.node().id, mine, leader);
    }
    return same;
  }

  private static void addState(ResultLine line, Built built) {
    line.add("state_mb", built.state().bytes() / 1e6, 1)
        .add("records", built.state().records())
        .add("snapshot_mb", built.snapshot().sizeBytes() / 1e6, 1);
  }

  private static void addHeap(ResultLine line, HeapWatch heap) {
    double afterGc = heap.collections() == 0 ? Double.NaN : heap.peakAfterGcBytes() / (double) (1 << 20);
    line.add("heap_peak_after_gc_mib", afterGc, 0)
        .add("heap_peak_used_mib", heap.peakUsedBytes() / (double) (1 << 20), 0)
        .add("heap_max_mib", HeapWatch.maxBytes() / (double) (1 << 20), 0)
        .add("gcs", heap.collections());
  }

  /**
   * The limits, and the time they allow the catch-up: the payload crosses loopback while the
   * receiver writes it (the slower of the two), then the restore writes it once more.
   */
  private void addLimits(ResultLine line, long payloadBytes, double seconds) {
    if (limits.bandwidth() == null) {
      return;
    }
    double disk = limits.bandwidth().diskWriteMBps();
    double loopback = limits.bandwidth().loopbackMBps();
    double megabytes = payloadBytes / 1e6;
    double floor = megabytes / Math.min(disk, loopback) + megabytes / disk;
    line.add("disk_write_mb_s", disk, 0)
        .add("loopback_mb_s", loopback, 0)
        .add("limit_s", floor, 2)
        .add("x_limit", seconds / floor, 2);
    if (limits.latency() != null) {
      line.add("fsync_p50_us", limits.latency().fsyncP50Micros(), 0)
          .add("rtt_p50_us", limits.latency().rttP50Micros(), 0);
    }
  }

  private static String describe(SnapshotInfo snapshot) {
    return "at index " + snapshot.lastIndex() + ", " + String.format("%.1f MB", snapshot.sizeBytes() / 1e6);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}

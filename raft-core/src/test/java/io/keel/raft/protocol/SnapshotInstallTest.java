package io.keel.raft.protocol;

import static io.keel.raft.protocol.NodeFixture.MILLIS;
import static io.keel.raft.protocol.NodeFixture.N1;
import static io.keel.raft.protocol.NodeFixture.N2;
import static io.keel.raft.protocol.NodeFixture.N3;
import static io.keel.raft.protocol.NodeFixture.classic;
import static io.keel.raft.protocol.NodeFixture.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.HardState;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.InstallSnapshotResponse;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A follower's side of InstallSnapshot, step by step, with the test as the leader and the receiver. */
class SnapshotInstallTest {

  private static final List<io.keel.raft.NodeId> VOTERS = List.of(N1, N2, N3);

  @Test
  @DisplayName("Figure 13, 6: a follower whose log holds the snapshot's last entry answers done at once")
  void a_log_that_holds_the_snapshots_last_entry_needs_no_install() {
    NodeFixture f = new NodeFixture(classic(), List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c")),
        new HardState(1, null));
    SnapshotMeta meta = new SnapshotMeta(3, 1, VOTERS);
    f.receive(new InstallSnapshot(1, N2, meta, 100, 0, 0, new byte[0]));
    assertTrue(f.receiverCalls.isEmpty(), "nothing to store: " + f.receiverCalls);
    assertEquals(new InstallSnapshotResponse(1, N1, 3, 100, true), f.lastSent(InstallSnapshotResponse.class));
  }

  @Test
  @DisplayName("No committed entry is handed out while a snapshot installs, and none it covers afterwards")
  void handing_out_waits_for_the_install() {
    NodeFixture f = new NodeFixture(classic(), List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c")),
        new HardState(1, null));
    SnapshotMeta meta = new SnapshotMeta(5, 2, VOTERS);
    f.receive(new InstallSnapshot(2, N2, meta, 1, 0, 0, new byte[0]));
    assertEquals(List.of(new InstallSnapshot(2, N2, meta, 1, 0, 0, new byte[0])), f.receiverCalls);
    f.node.snapshots().onChunkStored(meta, 1);
    f.afterEvent();
    assertEquals(meta, f.receiverCalls.get(1), "every byte held: the receiver installs it");
    assertTrue(f.node.snapshots().isInstalling());
    // The leader meanwhile commits entries the log holds: none is handed out during the install.
    f.receive(new AppendEntries(2, N2, 3, 1, List.of(), 3));
    assertEquals(3, f.node.commitIndex());
    assertTrue(f.applied.isEmpty(), "applied during the install: " + f.applied);
    f.node.snapshots().onInstalled(new SnapshotInfo(meta, 1, 0, "snapshot-5"));
    f.afterEvent();
    assertEquals(5, f.node.lastApplied());
    assertEquals(5, f.node.commitIndex());
    assertEquals(5, f.node.lastLogIndex(), "Figure 13, 7: a log without 5@2 is discarded");
    assertTrue(f.applied.isEmpty(), "entries the snapshot covers are never applied: " + f.applied);
    f.sync(); // term 2 durable: what waited for it goes out
    assertEquals(new InstallSnapshotResponse(2, N1, 5, 1, true), f.lastSent(InstallSnapshotResponse.class));
  }

  @Test
  @DisplayName("A report of writes made before an install discarded the log does not cover the appends after it")
  void a_log_discarded_by_an_install_counts_as_truncated_until_the_compaction_is_durable() {
    // n1 holds 1@1; each write becomes durable 10 ms after it is made.
    NodeFixture f = new NodeFixture(classic(), List.of(entry(1, 1, "a")), new HardState(1, null), 10 * MILLIS);
    f.receive(new AppendEntries(1, N2, 1, 1, List.of(entry(2, 1, "b"), entry(3, 1, "c"), entry(4, 1, "d")), 1));
    f.nowNanos = 1 * MILLIS; // n3 leads term 2 and sends a snapshot of 3@2: the log does not hold it
    SnapshotMeta meta = new SnapshotMeta(3, 2, VOTERS);
    f.receive(new InstallSnapshot(2, N3, meta, 1, 0, 0, new byte[0]));
    f.node.snapshots().onChunkStored(meta, 1);
    f.node.snapshots().onInstalled(new SnapshotInfo(meta, 1, 0, "snapshot-3"));
    f.afterEvent();
    assertEquals(3, f.node.lastLogIndex());
    f.nowNanos = 2 * MILLIS;
    f.receive(new AppendEntries(2, N3, 3, 2, List.of(entry(4, 2, "x"), entry(5, 2, "y")), 3));
    f.sent.clear();

    f.syncUntil(10 * MILLIS); // the first append is durable: the disk holds 1@1 to 4@1, not 4@2
    assertEquals(3, f.node.durableIndex(), "the snapshot covers 3; 4@2 and 5@2 are not durable yet");
    assertTrue(f.sentOf(AppendEntriesResponse.class).stream().noneMatch(r -> r.success() && r.matchIndex() >= 4),
        "index 4 is not acknowledged: " + f.sent);

    f.syncUntil(12 * MILLIS); // the compaction and the appends are durable
    assertEquals(5, f.node.durableIndex());
    assertEquals(AppendEntriesResponse.accepted(2, N1, 5), f.lastSent(AppendEntriesResponse.class));
  }
}

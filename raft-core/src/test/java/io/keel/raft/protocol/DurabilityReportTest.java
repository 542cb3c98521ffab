package io.keel.raft.protocol;

import static io.keel.raft.protocol.NodeFixture.MILLIS;
import static io.keel.raft.protocol.NodeFixture.N2;
import static io.keel.raft.protocol.NodeFixture.N3;
import static io.keel.raft.protocol.NodeFixture.classic;
import static io.keel.raft.protocol.NodeFixture.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.HardState;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A durability report covers the writes made before it, not an (index, term) that a later
 * truncation may make recur (docs/architecture.md, rule 6).
 */
class DurabilityReportTest {

  @Test
  @DisplayName("A report of 2@1 written before two truncations does not make the re-appended 2@1 durable")
  void a_report_about_an_entry_truncated_and_written_again_is_tied_to_the_first_write() {
    // n1 holds 1@1; each write becomes durable 10 ms after it is made.
    NodeFixture f = new NodeFixture(classic(), List.of(entry(1, 1, "a")), new HardState(1, null), 10 * MILLIS);
    f.receive(new AppendEntries(1, N2, 1, 1, List.of(entry(2, 1, "b")), 1)); // t=0: append 2@1
    f.nowNanos = 1 * MILLIS;
    f.receive(new AppendEntries(2, N3, 1, 1, List.of(entry(2, 2, "x")), 1)); // t=1: truncate from 2, append 2@2
    f.nowNanos = 2 * MILLIS;
    f.receive(new AppendEntries(3, N2, 1, 1, List.of(entry(2, 1, "b"), entry(3, 3, "c")), 1)); // t=2: 2@1, 3@3 again
    f.sent.clear();

    f.syncUntil(10 * MILLIS); // only the first append is durable: the disk holds 1@1, 2@1
    assertEquals(1, f.node.durableIndex(), "2@1 on disk is the old write; a truncation of it is still pending");
    assertTrue(f.sentOf(AppendEntriesResponse.class).stream().noneMatch(r -> r.success() && r.matchIndex() >= 2),
        "index 2 is not acknowledged: " + f.sent);

    f.syncUntil(11 * MILLIS); // the truncation and 2@2 are durable: a crash now would keep 2@2
    assertEquals(1, f.node.durableIndex());

    f.syncUntil(12 * MILLIS); // everything is durable
    assertEquals(3, f.node.durableIndex());
    assertEquals(AppendEntriesResponse.accepted(3, NodeFixture.N1, 3), f.lastSent(AppendEntriesResponse.class));
  }
}

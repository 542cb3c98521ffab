package io.keel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.RequestVote;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The value types reject what cannot be valid, at construction. */
class ValuesTest {

  @Test
  void nodeIdsAreValidated() {
    assertEquals("n-1.a_b", NodeId.of("n-1.a_b").toString());
    assertThrows(IllegalArgumentException.class, () -> NodeId.of(""));
    assertThrows(IllegalArgumentException.class, () -> NodeId.of("has space"));
    assertThrows(IllegalArgumentException.class, () -> NodeId.of("x".repeat(65)));
  }

  @Test
  void hardStatesOnlyMoveForward() {
    HardState voted = new HardState(3, NodeId.of("a"));
    assertTrue(voted.covers(new HardState(3, null)));
    assertTrue(voted.covers(voted));
    assertFalse(voted.covers(new HardState(3, NodeId.of("b"))));
    assertFalse(new HardState(3, null).covers(voted));
    assertTrue(new HardState(4, null).covers(voted));
    assertThrows(IllegalArgumentException.class, () -> new HardState(0, NodeId.of("a")));
  }

  @Test
  void appendEntriesMustCarryConsecutiveEntriesOfPlausibleTerms() {
    NodeId leader = NodeId.of("l");
    byte[] data = {1};
    assertThrows(IllegalArgumentException.class, () -> new AppendEntries(2, leader, 1, 1,
        List.of(LogEntry.command(3, 2, data)), 0), "gap after prevLogIndex");
    assertThrows(IllegalArgumentException.class, () -> new AppendEntries(2, leader, 1, 2,
        List.of(LogEntry.command(2, 1, data)), 0), "term going down");
    assertThrows(IllegalArgumentException.class, () -> new AppendEntries(2, leader, 1, 1,
        List.of(LogEntry.command(2, 3, data)), 0), "entry from a future term");
    assertThrows(IllegalArgumentException.class, () -> new AppendEntries(2, leader, 0, 1, List.of(), 0),
        "index 0 has term 0");
    assertEquals(3, new AppendEntries(2, leader, 1, 1,
        List.of(LogEntry.command(2, 1, data), LogEntry.command(3, 2, data)), 0).lastIndex());
  }

  @Test
  void malformedMessagesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new RequestVote(-1, NodeId.of("a"), 0, 0));
    assertThrows(NullPointerException.class, () -> new RequestVote(1, null, 0, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new AppendEntriesResponse(1, NodeId.of("a"), true, 3, 2, 1));
  }

  @Test
  void logEntriesCompareByContent() {
    assertEquals(LogEntry.command(1, 1, new byte[] {1, 2}), LogEntry.command(1, 1, new byte[] {1, 2}));
    assertFalse(LogEntry.command(1, 1, new byte[] {1}).equals(LogEntry.command(1, 1, new byte[] {2})));
    assertThrows(IllegalArgumentException.class, () -> new LogEntry(1, 1, EntryType.NO_OP, new byte[] {1}));
    assertThrows(IllegalArgumentException.class, () -> LogEntry.command(0, 1, new byte[0]));
  }
}

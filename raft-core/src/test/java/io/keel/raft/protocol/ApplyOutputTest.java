package io.keel.raft.protocol;

import static io.keel.raft.protocol.NodeFixture.N2;
import static io.keel.raft.protocol.NodeFixture.bytes;
import static io.keel.raft.protocol.NodeFixture.classic;
import static io.keel.raft.protocol.NodeFixture.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.EntryType;
import io.keel.raft.HardState;
import io.keel.raft.LeadershipLostException;
import io.keel.raft.LogEntry;
import io.keel.raft.storage.IgnoringListener;
import io.keel.raft.storage.InMemoryLogStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Applying is the driver's work: the node hands out committed entries with their proposers'
 * futures, and its applied index is what the driver reports, however far behind the commit index.
 */
class ApplyOutputTest {

  private static NodeFixture leaderThatDoesNotApply() {
    NodeFixture f = new NodeFixture(classic());
    f.electLeader();
    f.autoApply = false;
    f.receive(f.ack(N2, 1)); // the leader's no-op, index 1, commits; n2 is now streamed to
    return f;
  }

  @Test
  void commitsRunAheadOfApplyingAndTheAppliedIndexIsTheDrivers() {
    NodeFixture f = leaderThatDoesNotApply();
    CompletableFuture<String> a = f.node.propose(bytes("a"));
    CompletableFuture<String> b = f.node.propose(bytes("b"));
    f.sync();
    f.receive(f.ack(N2, 3));
    assertEquals(3, f.node.commitIndex());
    assertEquals(0, f.node.lastApplied(), "nothing is applied until the driver says so");
    assertFalse(a.isDone());

    List<CommittedEntry<String>> batch = f.node.takeCommitted();
    assertEquals(List.of(1L, 2L, 3L), batch.stream().map(CommittedEntry::index).toList());
    assertEquals(EntryType.NO_OP, batch.get(0).entry().type());
    assertFalse(batch.get(0).hasProposer());
    assertTrue(batch.get(1).hasProposer());
    assertEquals(List.of(), f.node.takeCommitted(), "each entry is handed out once");

    batch.get(0).applyTo(f.stateMachine);
    batch.get(1).applyTo(f.stateMachine);
    f.node.onApplied(2);
    assertEquals("applied:a", a.join());
    assertFalse(b.isDone());
    assertEquals(2, f.node.lastApplied());
    f.node.onApplied(1);
    assertEquals(2, f.node.lastApplied(), "a late report does not move the applied index back");
    f.node.checkInvariants();
  }

  @Test
  void reportingAnEntryNeverHandedOutIsRefused() {
    NodeFixture f = leaderThatDoesNotApply();
    f.node.propose(bytes("a"));
    f.sync();
    f.receive(f.ack(N2, 2));
    assertThrows(IllegalArgumentException.class, () -> f.node.onApplied(1));
    assertEquals(2, f.node.takeCommitted().size());
    assertThrows(IllegalArgumentException.class, () -> f.node.onApplied(3));
  }

  @Test
  void unappliedBytesAreBounded() {
    NodeFixture f = new NodeFixture(classic().toBuilder().maxUnappliedBytes(16).build());
    f.electLeader();
    f.autoApply = false;
    f.receive(f.ack(N2, 1));
    for (int i = 0; i < 5; i++) {
      f.node.propose(bytes("command-" + i + "-of-16b")); // 16 bytes each
    }
    f.sync();
    f.receive(f.ack(N2, 6));
    assertEquals(6, f.node.commitIndex());
    long handedOut = 0;
    int rounds = 0;
    while (handedOut < 6) {
      List<CommittedEntry<String>> round = new ArrayList<>();
      for (List<CommittedEntry<String>> batch = f.node.takeCommitted(); !batch.isEmpty(); batch = f.node.takeCommitted()) {
        round.addAll(batch);
      }
      assertFalse(round.isEmpty(), "entries come out once the earlier ones are applied");
      long commands = round.stream().filter(e -> e.entry().type() == EntryType.COMMAND).count();
      assertTrue(commands <= 1, "no more than one 16-byte command out at a time with a bound of 16: " + round);
      round.forEach(e -> e.applyTo(f.stateMachine));
      handedOut = round.get(round.size() - 1).index();
      f.node.onApplied(handedOut);
      rounds++;
    }
    assertTrue(rounds >= 5, "five commands of 16 bytes took five rounds, not " + rounds);
    assertEquals(5, f.applied.size());
  }

  @Test
  void aLeaderThatStepsDownFailsOnlyProposalsBeyondItsCommitIndex() {
    NodeFixture f = leaderThatDoesNotApply();
    CompletableFuture<String> committed = f.node.propose(bytes("committed"));
    f.sync();
    f.receive(f.ack(N2, 2));
    CompletableFuture<String> uncommitted = f.node.propose(bytes("uncommitted"));
    f.sync();
    assertEquals(2, f.node.commitIndex());
    f.receive(f.appendEntries(f.node.currentTerm() + 1, N2, 3, f.node.currentTerm(), List.of(), 2));
    assertEquals(Role.FOLLOWER, f.node.role());
    CompletionException lost = assertThrows(CompletionException.class, uncommitted::join);
    assertInstanceOf(LeadershipLostException.class, lost.getCause());
    assertFalse(committed.isDone(), "its entry is committed: it waits to be applied, whoever leads");
    f.autoApply = true;
    f.sync();
    assertEquals("applied:committed", committed.join());
  }

  @Test
  void aStateMachineThatKeptItsStateIsHandedOnlyWhatFollows() {
    List<LogEntry> log = List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c"));
    NodeFixture f = new NodeFixture(classic(), log, new HardState(1, null), 0, 2);
    assertEquals(2, f.node.lastApplied());
    assertEquals(0, f.node.commitIndex(), "the log's entries are not known committed until a leader says so");
    f.receive(f.appendEntries(1, N2, 3, 1, List.of(entry(4, 1, "d")), 4));
    f.sync();
    assertEquals(List.of("c", "d"), f.applied, "a and b are not applied again");
    assertEquals(4, f.node.lastApplied());
  }

  @Test
  void aStateMachineAheadOfALogThatLostWritesIsHandedNothingItHolds() {
    // The state machine applied up to 5, but the crash kept only entries 1 to 3 of the log.
    List<LogEntry> log = List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c"));
    NodeFixture f = new NodeFixture(classic(), log, new HardState(1, null), 0, 5);
    assertEquals(0, f.node.commitIndex());
    assertEquals(5, f.node.lastApplied());
    f.receive(f.appendEntries(1, N2, 3, 1, List.of(entry(4, 1, "d"), entry(5, 1, "e"), entry(6, 1, "f")), 6));
    f.sync();
    assertEquals(List.of("f"), f.applied, "only what follows the state machine's index");
    assertEquals(6, f.node.lastApplied());
  }

  @Test
  void aLogThatKeptOtherEntriesThanTheStateMachineAppliedIsRepairedBeforeAnythingIsHandedOut() {
    // The state machine applied 2@2 and 3@2; the crash lost them from the log, which still holds
    // the never committed 2@1 and 3@1 that they had replaced.
    List<LogEntry> log = List.of(entry(1, 1, "a"), entry(2, 1, "stale"), entry(3, 1, "stale"));
    NodeFixture f = new NodeFixture(classic(), log, new HardState(2, null), 0, 3);
    f.receive(f.appendEntries(2, N2, 1, 1, List.of(), 3));
    assertEquals(1, f.node.commitIndex(), "only what the append verified");
    f.receive(f.appendEntries(2, N2, 1, 1, List.of(entry(2, 2, "b"), entry(3, 2, "c"), entry(4, 2, "d")), 4));
    f.sync();
    assertEquals(List.of("d"), f.applied);
    assertEquals(4, f.node.lastApplied());
  }

  @Test
  void aStateMachineBehindACompactedLogIsRefusedAtStart() {
    InMemoryLogStore store = new InMemoryLogStore(new IgnoringListener(), () -> 0L, 0);
    store.append(List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c")));
    store.compactPrefix(2, 1);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RaftNode.<String>builder()
        .id(NodeFixture.N1).voters(List.of(NodeFixture.N1)).logStore(store).transport((to, message) -> { })
        .appliedIndex(1).start(0));
    assertTrue(refused.getMessage().contains("applied index 1 is before the log's start 2"), refused.getMessage());
  }
}

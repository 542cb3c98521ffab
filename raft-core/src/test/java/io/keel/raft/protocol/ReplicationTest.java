package io.keel.raft.protocol;

import static io.keel.raft.protocol.NodeFixture.N1;
import static io.keel.raft.protocol.NodeFixture.N2;
import static io.keel.raft.protocol.NodeFixture.N3;
import static io.keel.raft.protocol.NodeFixture.bytes;
import static io.keel.raft.protocol.NodeFixture.classic;
import static io.keel.raft.protocol.NodeFixture.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LeadershipLostException;
import io.keel.raft.LogEntry;
import io.keel.raft.NotLeaderException;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.TooManyPendingProposalsException;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.storage.InMemoryLogStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Log replication beyond Figure 2's minimum: batching, pipelining, backtracking, durability, proposals. */
class ReplicationTest {

  @Test
  void leaderCountsItselfOnlyForItsDurableEntries() {
    NodeFixture f = new NodeFixture(classic());
    f.electLeader(); // no-op at 1, durable on the leader
    f.receive(f.ack(N2, 1)); // n2 matches: the leader streams to it from now on
    CompletableFuture<String> result = f.node.propose(bytes("x"));
    f.receive(f.ack(N2, 2));
    assertEquals(1, f.node.commitIndex(), "entry 2 is durable on n2 only: one of three");
    assertFalse(result.isDone());
    f.sync();
    assertEquals(2, f.node.commitIndex(), "now durable on the leader too");
    assertEquals("applied:x", result.join());
  }

  @Test
  void leaderReplicatesWhileItsOwnWriteIsInProgress() {
    NodeFixture f = new NodeFixture(classic());
    f.electLeader();
    f.receive(f.ack(N2, 1));
    f.receive(f.ack(N3, 1));
    f.sent.clear();
    f.node.propose(bytes("x"));
    // The append goes out to both followers before the leader's own write is durable.
    assertEquals(List.of(entry(2, 1, "x")), f.lastSent(AppendEntries.class).entries());
    assertEquals(2, f.sentOf(AppendEntries.class).size());
    assertEquals(1, f.node.durableIndex());
    f.receive(f.ack(N2, 2));
    f.receive(f.ack(N3, 2));
    assertEquals(2, f.node.commitIndex(), "two followers are a majority without the leader");
  }

  @Test
  void appendEntriesCarryManyEntriesUpToTheConfiguredLimits() {
    RaftConfig config = classic().toBuilder().maxEntriesPerAppend(3).maxBytesPerAppend(1_000).build();
    NodeFixture f = new NodeFixture(config);
    f.electLeader();
    f.receive(f.ack(N2, 1));
    f.sent.clear();
    List<byte[]> commands = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      commands.add(bytes("c" + i));
    }
    f.node.propose(commands);
    List<AppendEntries> appends = f.sentOf(AppendEntries.class, N2);
    assertEquals(List.of(3, 3, 1), appends.stream().map(a -> a.entries().size()).toList(),
        "seven entries pipelined in messages of at most three");
    assertEquals(List.of(1L, 4L, 7L), appends.stream().map(AppendEntries::prevLogIndex).toList());

    NodeFixture small = new NodeFixture(classic().toBuilder().maxBytesPerAppend(60).build());
    small.electLeader();
    small.receive(small.ack(N2, 1));
    small.sent.clear();
    small.node.propose(List.of(new byte[30], new byte[30], new byte[100]));
    assertEquals(List.of(1, 1, 1), small.sentOf(AppendEntries.class, N2).stream()
        .map(a -> a.entries().size()).toList(), "the byte budget splits messages; an oversized entry goes alone");
  }

  @Test
  void pipeliningStopsAtTheInflightWindowAndResumesOnAcknowledgement() {
    RaftConfig config = classic().toBuilder().maxEntriesPerAppend(1).maxInflightAppends(2).build();
    NodeFixture f = new NodeFixture(config);
    f.electLeader();
    f.receive(f.ack(N2, 1));
    f.sent.clear();
    f.node.propose(List.of(bytes("a"), bytes("b"), bytes("c"), bytes("d")));
    assertEquals(2, f.sentOf(AppendEntries.class, N2).size(), "window of two");
    assertEquals(2, f.node.progressOf(N2).inflightCount());
    f.receive(f.ack(N2, 2));
    assertEquals(3, f.sentOf(AppendEntries.class, N2).size(), "one acknowledged, one more sent");
    f.receive(f.ack(N2, 4));
    assertEquals(4, f.sentOf(AppendEntries.class, N2).size(), "both acknowledged at once: the last one goes");
    assertEquals(1, f.node.progressOf(N2).inflightCount());
    f.receive(f.ack(N2, 5));
    assertEquals(0, f.node.progressOf(N2).inflightCount());
  }

  @Test
  void fastBacktrackingSkipsAWholeConflictingTermPerRoundTrip() {
    // Leader log: terms 1 1 1 4 4 5 5 5 5; follower n2 has 1 1 1 2 2 2 2 3 3 3 3 (stale terms).
    List<LogEntry> leaderLog = new ArrayList<>();
    long[] terms = {1, 1, 1, 4, 4, 5, 5, 5, 5};
    for (int i = 0; i < terms.length; i++) {
      leaderLog.add(entry(i + 1, terms[i], "e" + i));
    }
    NodeFixture f = new NodeFixture(classic(), leaderLog, new HardState(5, null));
    f.electLeader(); // term 6, no-op at 10; first probe to n2 had prevLogIndex 9
    // n2 has term 3 at index 9, and its run of term 3 starts at index 8.
    f.receive(AppendEntriesResponse.rejected(6, N2, 9, 3, 8));
    AppendEntries second = f.lastSent(AppendEntries.class);
    assertEquals(N2, f.sent.get(f.sent.size() - 1).to());
    assertEquals(3, second.prevLogIndex(), "the leader has no term 3: it skips to before the follower's run"
        + " and past its own entries of newer terms, in one round trip");
    f.receive(f.ack(N2, 10));
    assertEquals(10, f.node.progressOf(N2).matchIndex());
  }

  @Test
  void followerReportsTheConflictingTermAndItsFirstIndex() {
    List<LogEntry> log = List.of(entry(1, 1, "a"), entry(2, 2, "b"), entry(3, 2, "c"), entry(4, 2, "d"));
    NodeFixture f = new NodeFixture(classic(), log, new HardState(2, null));
    f.receive(f.appendEntries(3, N2, 4, 3, List.of(), 0));
    f.sync();
    assertEquals(AppendEntriesResponse.rejected(3, N1, 4, 2, 2), f.lastSent(AppendEntriesResponse.class));
  }

  @Test
  void staleRejectionDoesNotMoveAReplicatingFollowerBack() {
    NodeFixture f = new NodeFixture(classic());
    f.electLeader();
    f.receive(f.ack(N2, 1));
    f.node.propose(List.of(bytes("a"), bytes("b")));
    f.receive(f.ack(N2, 3));
    long next = f.node.progressOf(N2).nextIndex();
    f.receive(AppendEntriesResponse.rejected(f.node.currentTerm(), N2, 1, 0, 1));
    f.receive(AppendEntriesResponse.rejected(f.node.currentTerm(), N2, 2, 0, 1));
    assertEquals(Progress.State.REPLICATE, f.node.progressOf(N2).state());
    assertEquals(next, f.node.progressOf(N2).nextIndex());
  }

  @Test
  void lostAppendsAreResentAfterTheyStall() {
    RaftConfig config = classic().toBuilder().maxEntriesPerAppend(1).build();
    NodeFixture f = new NodeFixture(config);
    f.electLeader();
    f.receive(f.ack(N2, 1));
    f.node.propose(bytes("lost"));
    f.sent.clear();
    // Nothing comes back for longer than the minimum election timeout: the leader probes again.
    for (int i = 0; i < 4; i++) {
      f.advanceMillis(50);
      f.receive(f.ack(N2, 1));
    }
    assertTrue(f.sentOf(AppendEntries.class, N2).stream().anyMatch(a -> a.entries().equals(List.of(entry(2, 1, "lost")))),
        "the unacknowledged entry was sent again: " + f.sentOf(AppendEntries.class, N2));
  }

  @Test
  void proposalToFollowerFailsAtOnceNamingTheLeader() {
    NodeFixture f = new NodeFixture(classic());
    f.receive(f.appendEntries(1, N3, 0, 0, List.of(), 0));
    CompletableFuture<String> result = f.node.propose(bytes("x"));
    assertTrue(result.isCompletedExceptionally());
    NotLeaderException error = (NotLeaderException) unwrap(result);
    assertEquals(Optional.of(N3), error.leader());

    NodeFixture alone = new NodeFixture(classic());
    NotLeaderException noLeader = (NotLeaderException) unwrap(alone.node.propose(bytes("x")));
    assertEquals(Optional.empty(), noLeader.leader());
  }

  @Test
  void proposalsBeyondThePendingLimitAreRefused() {
    NodeFixture f = new NodeFixture(classic().toBuilder().maxPendingProposals(2).build());
    f.electLeader();
    f.node.propose(bytes("a"));
    f.node.propose(bytes("b"));
    assertInstanceOf(TooManyPendingProposalsException.class, unwrap(f.node.propose(bytes("c"))));
    assertEquals(3, f.node.lastLogIndex(), "the refused command was not appended");
  }

  @Test
  void pendingProposalsFailWithUnknownOutcomeWhenLeadershipIsLost() {
    NodeFixture f = new NodeFixture(classic());
    f.electLeader();
    CompletableFuture<String> result = f.node.propose(bytes("x"));
    f.receive(f.appendEntries(f.node.currentTerm() + 1, N2, 0, 0, List.of(), 0));
    assertInstanceOf(LeadershipLostException.class, unwrap(result));
  }

  @Test
  void stateMachineExceptionFailsOnlyThatProposal() {
    List<Runnable> reports = new ArrayList<>();
    RaftNode<String>[] holder = newHolder();
    InMemoryLogStore store = new InMemoryLogStore(new DurabilityListener() {
      @Override
      public void logDurable(long sequence, long index, long term) {
        reports.add(() -> holder[0].onLogDurable(sequence, index, term));
      }

      @Override
      public void hardStateDurable(HardState state) {
        reports.add(() -> holder[0].onHardStateDurable(state));
      }

      @Override
      public void storageFailed(Exception cause) {
        reports.add(() -> holder[0].onStorageFailure(cause));
      }
    }, () -> 0L, 0);
    RaftNode<String> node = RaftNode.<String>builder()
        .id(N1).voters(List.of(N1)).config(classic()).logStore(store)
        .transport((to, message) -> { })
        .start(0);
    holder[0] = node;
    StateMachine<String> stateMachine = (index, command) -> {
      if (command.length == 0) {
        throw new IllegalArgumentException("empty command");
      }
      return "ok";
    };
    Runnable sync = () -> {
      store.reportAllDurable();
      reports.forEach(Runnable::run);
      reports.clear();
      CommittedEntry.applyAllNow(node, stateMachine);
    };
    node.tick(node.nextDeadlineNanos());
    sync.run();
    assertEquals(Role.LEADER, node.role(), "a single node elects itself once its vote is durable");
    CompletableFuture<String> bad = node.propose(new byte[0]);
    CompletableFuture<String> good = node.propose(bytes("y"));
    sync.run();
    assertInstanceOf(IllegalArgumentException.class, unwrap(bad));
    assertEquals("ok", good.join());
    node.checkInvariants();
  }

  @SuppressWarnings("unchecked")
  private static RaftNode<String>[] newHolder() {
    return (RaftNode<String>[]) new RaftNode<?>[1];
  }

  private static Throwable unwrap(CompletableFuture<?> future) {
    assertTrue(future.isCompletedExceptionally(), "expected a failed future");
    try {
      future.join();
      throw new AssertionError("unreachable");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }
}

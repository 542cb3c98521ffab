package io.keel.raft.protocol;

import static io.keel.raft.protocol.NodeFixture.MILLIS;
import static io.keel.raft.protocol.NodeFixture.N1;
import static io.keel.raft.protocol.NodeFixture.N2;
import static io.keel.raft.protocol.NodeFixture.N3;
import static io.keel.raft.protocol.NodeFixture.bytes;
import static io.keel.raft.protocol.NodeFixture.classic;
import static io.keel.raft.protocol.NodeFixture.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.EntryType;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of the Raft paper's Figure 2, named after the rule, run against a single node
 * ({@code n1}) while the test plays its peers.
 */
class RaftPaperFigure2Test {

  @Nested
  @DisplayName("Rules for all servers")
  class AllServers {

    @Test
    @DisplayName("If commitIndex > lastApplied: increment lastApplied, apply log[lastApplied] to state machine")
    void appliesCommittedEntriesInLogOrder() {
      NodeFixture f = new NodeFixture(classic());
      f.receive(f.appendEntries(1, N2, 0, 0, List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c")), 0));
      assertEquals(List.of(), f.applied, "nothing is committed yet");

      f.receive(f.appendEntries(1, N2, 3, 1, List.of(), 2));
      assertEquals(List.of("a", "b"), f.applied);
      assertEquals(2, f.node.lastApplied());

      f.receive(f.appendEntries(1, N2, 3, 1, List.of(), 3));
      assertEquals(List.of("a", "b", "c"), f.applied);
      assertEquals(3, f.node.lastApplied());
    }

    @Test
    @DisplayName("If RPC request or response contains term T > currentTerm: set currentTerm = T, convert to follower")
    void higherTermConvertsToFollower() {
      NodeFixture f = new NodeFixture(classic());
      f.electLeader();
      long term = f.node.currentTerm();

      f.receive(AppendEntriesResponse.rejected(term + 3, N2, 0, 0, 0));

      assertEquals(Role.FOLLOWER, f.node.role());
      assertEquals(term + 3, f.node.currentTerm());
      assertEquals(Optional.empty(), f.node.votedFor(), "a new term starts with no vote");
      assertEquals(new HardState(term + 3, null), f.store.hardState(), "the new term is persisted");
    }
  }

  @Nested
  @DisplayName("Followers")
  class Followers {

    @Test
    @DisplayName("Respond to RPCs from candidates and leaders")
    void respondsToCandidatesAndLeaders() {
      NodeFixture f = new NodeFixture(classic());
      f.receive(new RequestVote(1, N2, 0, 0));
      f.sync();
      assertEquals(List.of(new RequestVoteResponse(1, N1, true)), f.sentOf(RequestVoteResponse.class, N2));

      f.receive(f.appendEntries(1, N2, 0, 0, List.of(), 0));
      assertEquals(List.of(AppendEntriesResponse.accepted(1, N1, 0)), f.sentOf(AppendEntriesResponse.class, N2));
    }

    @Test
    @DisplayName("If election timeout elapses without receiving AppendEntries from current leader or granting vote to candidate: convert to candidate")
    void electionTimeoutWithoutLeaderStartsCampaign() {
      NodeFixture f = new NodeFixture(classic());
      // Hearing from a leader every 100 ms (below the 150 ms minimum timeout) keeps it a follower.
      for (int i = 0; i < 20; i++) {
        f.receive(f.appendEntries(1, N2, 0, 0, List.of(), 0));
        f.advanceMillis(100);
        assertEquals(Role.FOLLOWER, f.node.role());
      }
      // Granting a vote resets the timer too.
      f.receive(new RequestVote(2, N3, 0, 0));
      f.advanceMillis(140);
      assertEquals(Role.FOLLOWER, f.node.role());
      // Silence for longer than the maximum election timeout: it campaigns.
      f.advanceMillis(300);
      assertEquals(Role.CANDIDATE, f.node.role());
    }
  }

  @Nested
  @DisplayName("Candidates")
  class Candidates {

    @Test
    @DisplayName("On conversion to candidate, start election: increment currentTerm, vote for self, reset election timer, send RequestVote RPCs to all other servers")
    void conversionStartsElection() {
      NodeFixture f = new NodeFixture(classic());
      f.fireTimer();

      assertEquals(Role.CANDIDATE, f.node.role());
      assertEquals(1, f.node.currentTerm());
      assertEquals(Optional.of(N1), f.node.votedFor());
      assertEquals(new HardState(1, N1), f.store.hardState());
      assertTrue(f.node.nextDeadlineNanos() >= f.nowNanos + 150 * MILLIS, "the election timer was reset");
      assertTrue(f.sentOf(RequestVote.class).isEmpty(), "nothing leaves before the vote is durable");

      f.sync();
      assertEquals(List.of(new RequestVote(1, N1, 0, 0)), f.sentOf(RequestVote.class, N2));
      assertEquals(List.of(new RequestVote(1, N1, 0, 0)), f.sentOf(RequestVote.class, N3));
    }

    @Test
    @DisplayName("If votes received from majority of servers: become leader")
    void majorityOfVotesMakesLeader() {
      NodeFixture f = new NodeFixture(classic());
      f.fireTimer();
      f.receive(new RequestVoteResponse(1, N2, true));
      assertEquals(Role.CANDIDATE, f.node.role(), "its own vote is not durable yet, so it has one vote of three");
      f.sync();
      assertEquals(Role.LEADER, f.node.role());
      assertEquals(Optional.of(N1), f.node.leader());
    }

    @Test
    @DisplayName("If AppendEntries RPC received from new leader: convert to follower")
    void appendEntriesFromNewLeaderMakesFollower() {
      NodeFixture f = new NodeFixture(classic());
      f.fireTimer();
      f.sync();
      f.receive(f.appendEntries(1, N3, 0, 0, List.of(), 0));
      assertEquals(Role.FOLLOWER, f.node.role());
      assertEquals(Optional.of(N3), f.node.leader());
      assertEquals(1, f.node.currentTerm());
    }

    @Test
    @DisplayName("If election timeout elapses: start new election")
    void electionTimeoutStartsNewElection() {
      NodeFixture f = new NodeFixture(classic());
      f.fireTimer();
      f.sync();
      f.receive(new RequestVoteResponse(1, N2, false));
      f.fireTimer();
      assertEquals(Role.CANDIDATE, f.node.role());
      assertEquals(2, f.node.currentTerm());
      f.sync();
      assertEquals(new RequestVote(2, N1, 0, 0), f.lastSent(RequestVote.class));
    }
  }

  @Nested
  @DisplayName("Leaders")
  class Leaders {

    @Test
    @DisplayName("Upon election: send initial empty AppendEntries RPCs (heartbeat) to each server; repeat during idle periods to prevent election timeouts")
    void heartbeatsUponElectionAndWhenIdle() {
      NodeFixture f = new NodeFixture(classic());
      f.fireTimer();
      f.sync();
      f.receive(new RequestVoteResponse(1, N2, true));
      // The first AppendEntries carries the new term's no-op entry (thesis §6.4) and goes out at once.
      for (var peer : List.of(N2, N3)) {
        List<AppendEntries> first = f.sentOf(AppendEntries.class, peer);
        assertEquals(1, first.size());
        assertEquals(EntryType.NO_OP, first.get(0).entries().get(0).type());
      }
      f.sent.clear();
      f.advanceMillis(50);
      assertEquals(1, f.sentOf(AppendEntries.class, N2).size(), "heartbeat after one interval");
      assertEquals(1, f.sentOf(AppendEntries.class, N3).size());
      f.advanceMillis(50);
      assertEquals(2, f.sentOf(AppendEntries.class, N2).size(), "and again, while idle");
    }

    @Test
    @DisplayName("If command received from client: append entry to local log, respond after entry applied to state machine")
    void commandRespondsAfterApplied() {
      NodeFixture f = new NodeFixture(classic());
      f.electLeader();
      f.receive(f.ack(N2, 1));
      CompletableFuture<String> result = f.node.propose(bytes("x"));
      assertEquals(2, f.node.lastLogIndex(), "the leader's no-op at 1, then the command");
      assertEquals("x", new String(f.store.entry(2).command()));
      f.sync();
      assertFalse(result.isDone(), "durable on the leader only: one of three");

      f.receive(f.ack(N2, 2));
      assertTrue(result.isDone());
      assertEquals("applied:x", result.join());
      assertEquals(List.of("x"), f.applied);
    }

    @Test
    @DisplayName("If last log index >= nextIndex for a follower: send AppendEntries RPC with log entries starting at nextIndex; if it fails because of log inconsistency: decrement nextIndex and retry")
    void sendsFromNextIndexAndBacksOffOnInconsistency() {
      // n1 was elected in term 3 holding entries of terms 1 and 2; n2 has only entry 1.
      List<LogEntry> log = List.of(entry(1, 1, "a"), entry(2, 2, "b"), entry(3, 2, "c"));
      NodeFixture f = new NodeFixture(classic(), log, new HardState(2, null));
      f.fireTimer();
      f.sync();
      f.receive(new RequestVoteResponse(3, N2, true));
      // Initially nextIndex = last index + 1: the first append carries only the new no-op entry.
      AppendEntries probe = f.lastSent(AppendEntries.class);
      assertEquals(3, probe.prevLogIndex());
      assertEquals(List.of(LogEntry.noOp(4, 3)), probe.entries());
      f.receive(AppendEntriesResponse.rejected(3, N2, 3, 0, 2));
      AppendEntries retry = f.lastSent(AppendEntries.class);
      assertEquals(1, retry.prevLogIndex(), "resumes after the follower's last entry");
      assertEquals(List.of(entry(2, 2, "b"), entry(3, 2, "c")), retry.entries().subList(0, 2));
      f.receive(f.ack(N2, 4));
      assertEquals(4, f.node.progressOf(N2).matchIndex());
      assertEquals(5, f.node.progressOf(N2).nextIndex());
    }

    @Test
    @DisplayName("If there exists an N such that N > commitIndex, a majority of matchIndex[i] >= N, and log[N].term == currentTerm: set commitIndex = N")
    void commitsMajorityIndexOfCurrentTerm() {
      List<LogEntry> log = List.of(entry(1, 1, "a"), entry(2, 2, "b"));
      NodeFixture f = new NodeFixture(classic(), log, new HardState(2, null));
      f.electLeader(); // term 3, no-op at index 3
      f.receive(f.ack(N2, 2));
      assertEquals(0, f.node.commitIndex(), "entry 2 is on a majority but of an older term (§5.4.2)");
      f.receive(f.ack(N2, 3));
      assertEquals(3, f.node.commitIndex(), "the term-3 entry commits, and everything before it");
      assertEquals(List.of("a", "b"), f.applied);
    }
  }

  @Nested
  @DisplayName("AppendEntries RPC, receiver implementation")
  class AppendEntriesReceiver {

    @Test
    @DisplayName("1. Reply false if term < currentTerm")
    void rejectsStaleTerm() {
      NodeFixture f = new NodeFixture(classic(), List.of(), new HardState(5, null));
      f.receive(f.appendEntries(4, N2, 0, 0, List.of(entry(1, 4, "a")), 0));
      AppendEntriesResponse response = f.lastSent(AppendEntriesResponse.class);
      assertFalse(response.success());
      assertEquals(5, response.term(), "tells the stale leader the current term");
      assertEquals(0, f.node.lastLogIndex());
    }

    @Test
    @DisplayName("2. Reply false if log doesn't contain an entry at prevLogIndex whose term matches prevLogTerm")
    void rejectsMissingOrMismatchedPrevEntry() {
      NodeFixture f = new NodeFixture(classic(), List.of(entry(1, 1, "a"), entry(2, 1, "b")), new HardState(1, null));
      f.receive(f.appendEntries(2, N2, 5, 2, List.of(), 0));
      f.sync(); // the new term must be durable before anything is said in it
      assertEquals(AppendEntriesResponse.rejected(2, N1, 5, 0, 3), f.lastSent(AppendEntriesResponse.class),
          "log too short: conflict index is its last index + 1");
      f.receive(f.appendEntries(2, N2, 2, 2, List.of(), 0));
      assertEquals(AppendEntriesResponse.rejected(2, N1, 2, 1, 1), f.lastSent(AppendEntriesResponse.class),
          "term mismatch: reports its term there and the first index of that term");
    }

    @Test
    @DisplayName("3. If an existing entry conflicts with a new one (same index but different terms), delete the existing entry and all that follow it")
    void deletesConflictingSuffix() {
      NodeFixture f = new NodeFixture(classic(),
          List.of(entry(1, 1, "a"), entry(2, 1, "stale"), entry(3, 1, "stale2")), new HardState(1, null));
      f.receive(f.appendEntries(2, N2, 1, 1, List.of(entry(2, 2, "new")), 0));
      assertEquals(2, f.node.lastLogIndex());
      assertEquals(entry(2, 2, "new"), f.store.entry(2));
    }

    @Test
    @DisplayName("4. Append any new entries not already in the log")
    void appendsOnlyNewEntries() {
      NodeFixture f = new NodeFixture(classic());
      f.receive(f.appendEntries(1, N2, 0, 0, List.of(entry(1, 1, "a"), entry(2, 1, "b")), 0));
      // A stale duplicate carrying only entry 1 must not cut entry 2 off.
      f.receive(f.appendEntries(1, N2, 0, 0, List.of(entry(1, 1, "a")), 0));
      assertEquals(2, f.node.lastLogIndex());
      f.receive(f.appendEntries(1, N2, 1, 1, List.of(entry(2, 1, "b"), entry(3, 1, "c")), 0));
      assertEquals(3, f.node.lastLogIndex());
      assertEquals(entry(3, 1, "c"), f.store.entry(3));
    }

    @Test
    @DisplayName("5. If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)")
    void commitIndexIsBoundedByLastNewEntry() {
      NodeFixture f = new NodeFixture(classic(),
          List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "unverified")), new HardState(1, null));
      // A leader of term 2 whose log matches through index 2, committed to 5.
      f.receive(f.appendEntries(2, N2, 2, 1, List.of(), 5));
      assertEquals(2, f.node.commitIndex(), "entry 3 is not verified against this leader");
    }
  }

  @Nested
  @DisplayName("RequestVote RPC, receiver implementation")
  class RequestVoteReceiver {

    @Test
    @DisplayName("1. Reply false if term < currentTerm")
    void rejectsStaleTerm() {
      NodeFixture f = new NodeFixture(classic(), List.of(), new HardState(3, null));
      f.receive(new RequestVote(2, N2, 10, 1));
      assertEquals(new RequestVoteResponse(3, N1, false), f.lastSent(RequestVoteResponse.class));
    }

    @Test
    @DisplayName("2. If votedFor is null or candidateId, and candidate's log is at least as up-to-date as receiver's log, grant vote")
    void grantsOneVotePerTermToUpToDateLog() {
      NodeFixture f = new NodeFixture(classic(), List.of(entry(1, 1, "a"), entry(2, 2, "b")), new HardState(2, null));
      f.receive(new RequestVote(3, N2, 5, 1));
      f.sync();
      assertEquals(new RequestVoteResponse(3, N1, false), f.lastSent(RequestVoteResponse.class),
          "a longer log of an older last term is less up-to-date");
      f.receive(new RequestVote(3, N3, 2, 2));
      f.sync();
      assertEquals(new RequestVoteResponse(3, N1, true), f.lastSent(RequestVoteResponse.class));
      f.receive(new RequestVote(3, N2, 9, 2));
      f.sync();
      assertEquals(new RequestVoteResponse(3, N1, false), f.lastSent(RequestVoteResponse.class),
          "one vote per term");
      f.receive(new RequestVote(3, N3, 2, 2));
      f.sync();
      assertEquals(new RequestVoteResponse(3, N1, true), f.lastSent(RequestVoteResponse.class),
          "a retried request from the same candidate is granted again");
    }
  }

  @Nested
  @DisplayName("Persistent state on all servers")
  class PersistentState {

    @Test
    @DisplayName("(Updated on stable storage before responding to RPCs) currentTerm and votedFor")
    void voteIsDurableBeforeTheResponse() {
      NodeFixture f = new NodeFixture(classic());
      f.receive(new RequestVote(1, N2, 0, 0));
      assertTrue(f.sentOf(RequestVoteResponse.class).isEmpty(), "held until the vote is durable");
      assertEquals(new HardState(1, N2), f.store.hardState());
      f.sync();
      assertEquals(List.of(new RequestVoteResponse(1, N1, true)), f.sentOf(RequestVoteResponse.class));
    }

    @Test
    @DisplayName("(Updated on stable storage before responding to RPCs) log[]")
    void entriesAreDurableBeforeTheyAreAcknowledged() {
      NodeFixture f = new NodeFixture(classic(), List.of(), new HardState(1, null));
      f.receive(f.appendEntries(1, N2, 0, 0, List.of(entry(1, 1, "a"), entry(2, 1, "b")), 0));
      assertTrue(f.sentOf(AppendEntriesResponse.class).isEmpty(), "nothing durable to acknowledge yet");
      f.sync();
      assertEquals(List.of(AppendEntriesResponse.accepted(1, N1, 2)), f.sentOf(AppendEntriesResponse.class));
    }
  }
}

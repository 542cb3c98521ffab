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
import io.keel.raft.RaftConfig;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Randomized timeouts, PreVote (thesis §9.6) and CheckQuorum (thesis §6.2, §4.2.3). */
class ElectionTest {

  private static RaftConfig withPreVoteAndCheckQuorum() {
    return classic().toBuilder().preVote(true).checkQuorum(true).build();
  }

  @Test
  void electionTimeoutsAreDrawnFromTheConfiguredRange() {
    Set<Long> timeouts = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      NodeFixture f = new NodeFixture(classic());
      f.receive(f.appendEntries(1, N2, 0, 0, List.of(), 0)); // resets the timer, drawing a new timeout
      long timeout = f.node.nextDeadlineNanos() - f.nowNanos;
      assertTrue(timeout >= 150 * MILLIS && timeout <= 300 * MILLIS, "timeout " + timeout);
      timeouts.add(timeout);
      f.fireTimer();
      f.sync();
      f.receive(new RequestVoteResponse(f.node.currentTerm(), N2, false));
      f.receive(new RequestVoteResponse(f.node.currentTerm(), N3, false));
      for (int round = 0; round < i; round++) {
        f.fireTimer();
      }
      timeouts.add(f.node.nextDeadlineNanos() - f.nowNanos);
    }
    assertTrue(timeouts.size() > 40, "timeouts are randomized: " + timeouts.size() + " distinct");
  }

  @Test
  @DisplayName("Figure 2, Followers: a vote request refused does not reset the election timer, so a stale candidate cannot hold back the nodes that could win")
  void aRefusedVoteRequestOfAHigherTermKeepsTheElectionDeadline() {
    NodeFixture f = new NodeFixture(classic(), List.of(entry(1, 1, "a"), entry(2, 1, "b")), new HardState(1, null));
    long deadline = f.node.nextDeadlineNanos();
    f.advanceMillis(100);
    f.receive(new RequestVote(7, N3, 1, 1)); // a candidate whose log is behind: refused
    f.sync();
    assertEquals(7, f.node.currentTerm(), "the higher term is adopted");
    assertEquals(new RequestVoteResponse(7, N1, false), f.lastSent(RequestVoteResponse.class));
    assertEquals(deadline, f.node.nextDeadlineNanos(), "but the timer runs on");

    f.receive(new RequestVote(8, N2, 2, 1)); // an up-to-date candidate: granted, and the timer restarts
    f.sync();
    assertEquals(new RequestVoteResponse(8, N1, true), f.lastSent(RequestVoteResponse.class));
    assertTrue(f.node.nextDeadlineNanos() > deadline, "granting a vote resets the timer");
  }

  @Test
  void preCandidateKeepsItsTermAndAsksForTheNextOne() {
    NodeFixture f = new NodeFixture(withPreVoteAndCheckQuorum(), List.of(), new HardState(4, null));
    f.fireTimer();
    assertEquals(Role.PRE_CANDIDATE, f.node.role());
    assertEquals(4, f.node.currentTerm());
    assertEquals(new HardState(4, null), f.store.hardState(), "nothing persisted for a pre-vote");
    assertEquals(List.of(new PreVote(5, N1, 0, 0)), f.sentOf(PreVote.class, N2));
    f.receive(new PreVoteResponse(5, N2, true));
    assertEquals(Role.CANDIDATE, f.node.role(), "a majority (itself and n2) would vote: campaign for real");
    assertEquals(5, f.node.currentTerm());
  }

  @Test
  void preCandidateGivesUpWhenAMajorityRefuses() {
    NodeFixture f = new NodeFixture(withPreVoteAndCheckQuorum(), List.of(), new HardState(4, null));
    f.fireTimer();
    f.receive(new PreVoteResponse(4, N2, false));
    f.receive(new PreVoteResponse(4, N3, false));
    assertEquals(Role.FOLLOWER, f.node.role());
    assertEquals(4, f.node.currentTerm());
  }

  @Test
  void preVoteRefusalFromAHigherTermTeachesTheTerm() {
    NodeFixture f = new NodeFixture(withPreVoteAndCheckQuorum(), List.of(), new HardState(4, null));
    f.fireTimer();
    f.receive(new PreVoteResponse(7, N2, false));
    assertEquals(Role.FOLLOWER, f.node.role());
    assertEquals(7, f.node.currentTerm());
  }

  @Test
  void preVoteChangesNoTermAtTheReceiver() {
    NodeFixture f = new NodeFixture(withPreVoteAndCheckQuorum(), List.of(), new HardState(2, null));
    f.receive(new PreVote(9, N2, 0, 0));
    assertEquals(2, f.node.currentTerm());
    assertEquals(List.of(new PreVoteResponse(9, N1, true)), f.sentOf(PreVoteResponse.class));
  }

  @Test
  void preVoteIsRefusedToAStaleLogAndWhileHearingFromALeader() {
    NodeFixture f = new NodeFixture(withPreVoteAndCheckQuorum(), List.of(entry(1, 2, "a")), new HardState(2, null));
    f.receive(new PreVote(3, N2, 5, 1));
    assertEquals(new PreVoteResponse(2, N1, false), f.lastSent(PreVoteResponse.class), "stale log");

    f.receive(f.appendEntries(2, N3, 1, 2, List.of(), 0));
    f.advanceMillis(100);
    f.receive(new PreVote(3, N2, 1, 2));
    assertEquals(new PreVoteResponse(2, N1, false), f.lastSent(PreVoteResponse.class),
        "heard from leader n3 100 ms ago, under the 150 ms minimum timeout");
    f.advanceMillis(60);
    f.receive(new PreVote(3, N2, 1, 2));
    assertEquals(new PreVoteResponse(3, N1, true), f.lastSent(PreVoteResponse.class), "the lease has run out");
  }

  @Test
  void voteRequestIsIgnoredWhileHearingFromALeaderWithCheckQuorum() {
    NodeFixture f = new NodeFixture(withPreVoteAndCheckQuorum(), List.of(), new HardState(1, null));
    f.receive(f.appendEntries(1, N3, 0, 0, List.of(), 0));
    f.receive(new RequestVote(2, N2, 0, 0));
    assertEquals(1, f.node.currentTerm(), "a disruptive candidate does not raise the term (§4.2.3)");
    assertTrue(f.sentOf(RequestVoteResponse.class).isEmpty());
    assertEquals(Optional.of(N3), f.node.leader());
  }

  @Test
  void leaderStepsDownWhenAMajorityIsSilentForAnElectionTimeout() {
    NodeFixture f = new NodeFixture(withPreVoteAndCheckQuorum());
    f.electLeader();
    for (int i = 0; i < 10; i++) {
      f.advanceMillis(50);
      f.receive(f.ack(N2, 0)); // n2 keeps answering: with the leader, a majority
    }
    assertEquals(Role.LEADER, f.node.role());
    f.advanceMillis(100);
    assertEquals(Role.LEADER, f.node.role(), "n2 was heard 100 ms ago, within the 150 ms minimum timeout");
    f.advanceMillis(50);
    assertEquals(Role.FOLLOWER, f.node.role(), "no majority heard within the minimum election timeout");
    assertEquals(Optional.empty(), f.node.leader());
  }

  @Test
  void withoutCheckQuorumAnIsolatedLeaderStaysLeader() {
    NodeFixture f = new NodeFixture(classic());
    f.electLeader();
    for (int i = 0; i < 40; i++) {
      f.advanceMillis(50);
    }
    assertEquals(Role.LEADER, f.node.role());
  }
}

package io.keel.raft.protocol;

import static io.keel.raft.protocol.NodeFixture.N1;
import static io.keel.raft.protocol.NodeFixture.N2;
import static io.keel.raft.protocol.NodeFixture.N3;
import static io.keel.raft.protocol.NodeFixture.bytes;
import static io.keel.raft.protocol.NodeFixture.classic;
import static io.keel.raft.protocol.NodeFixture.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A message no correct peer could send is dropped, counted and reported, and leaves the node as it
 * was: the node never halts because of what a peer sent (DESIGN, "Wire"). Each test sends one such
 * message and checks that nothing changed and that the node goes on working.
 */
class ImpossibleMessageTest {

  /** What a refused message must leave untouched. */
  private record Snapshot(Role role, long term, HardState hardState, Object leader, long lastIndex,
      long commitIndex, Object matchIndexes) {
    static Snapshot of(NodeFixture f) {
      RaftNode<String> node = f.node;
      return new Snapshot(node.role(), node.currentTerm(), f.store.hardState(), node.leader(),
          node.lastLogIndex(), node.commitIndex(), node.matchIndexes());
    }
  }

  private static void assertRefusedUntouched(NodeFixture f, Message message, String reasonPart) {
    Snapshot before = Snapshot.of(f);
    int sent = f.sent.size();
    long counted = f.node.impossibleMessages();
    ImpossibleMessage refused = f.receiveImpossible(message);
    assertTrue(refused.reason().contains(reasonPart), refused.reason());
    assertEquals(before, Snapshot.of(f), "a refused message changes nothing");
    assertEquals(sent, f.sent.size(), "a refused message is not answered");
    assertEquals(counted + 1, f.node.impossibleMessages());
  }

  /** n1 follows n2 in term 2 and holds entries 1..3 of term 2, committed to 2. */
  private static NodeFixture followerOfN2() {
    NodeFixture f = new NodeFixture(classic());
    f.receive(new AppendEntries(2, N2, 0, 0, List.of(entry(1, 2, "a"), entry(2, 2, "b"), entry(3, 2, "c")), 2));
    f.sync();
    assertEquals(N2, f.node.leader().orElseThrow());
    assertEquals(2, f.node.commitIndex());
    return f;
  }

  @Nested
  @DisplayName("at a follower")
  class AtAFollower {

    @Test
    void a_second_leader_in_the_term_is_refused_and_the_first_keeps_its_follower() {
      NodeFixture f = followerOfN2();
      assertRefusedUntouched(f, new AppendEntries(2, N3, 3, 2, List.of(), 3), "second leader");
      f.receive(new AppendEntries(2, N2, 3, 2, List.of(entry(4, 2, "d")), 4));
      f.sync();
      assertEquals(4, f.node.commitIndex(), "the real leader goes on replicating");
      assertEquals(List.of("a", "b", "c", "d"), f.applied);
    }

    @Test
    void entries_contradicting_a_committed_entry_are_refused_even_from_a_later_term() {
      NodeFixture f = followerOfN2();
      assertRefusedUntouched(f, new AppendEntries(3, N3, 1, 2, List.of(entry(2, 3, "x")), 2), "contradicts committed");
      assertEquals(2, f.node.currentTerm(), "the refused message's term is not adopted");
    }

    @Test
    void a_check_contradicting_a_committed_entry_is_refused() {
      NodeFixture f = followerOfN2();
      assertRefusedUntouched(f, new AppendEntries(3, N3, 2, 1, List.of(), 2), "contradicts committed");
    }

    @Test
    void entries_contradicting_what_the_same_leader_sent_earlier_in_the_term_are_refused() {
      NodeFixture f = new NodeFixture(classic(), List.of(entry(1, 1, "a")), new HardState(1, null));
      f.receive(new AppendEntries(2, N2, 1, 1, List.of(entry(2, 2, "b"), entry(3, 2, "c")), 1));
      f.sync(); // n2's entries 2 and 3 are verified and acknowledged, though not committed
      assertEquals(AppendEntriesResponse.accepted(2, N1, 3), f.lastSent(AppendEntriesResponse.class));
      assertRefusedUntouched(f, new AppendEntries(2, N2, 1, 1, List.of(entry(2, 1, "x")), 1), "the same leader sent");
      assertRefusedUntouched(f, new AppendEntries(2, N2, 3, 1, List.of(), 1), "the same leader sent");
      assertEquals(3, f.node.durableIndex(), "nothing acknowledged was truncated");
    }

    @Test
    void an_uncommitted_conflict_is_still_truncated_as_usual() {
      NodeFixture f = followerOfN2();
      f.receive(new AppendEntries(3, N3, 2, 2, List.of(entry(3, 3, "x")), 2));
      f.sync();
      assertEquals(3, f.store.term(3), "entry 3 was not committed: a leader of a later term may replace it");
    }

    @Test
    void a_stale_message_is_answered_not_refused_even_when_its_log_differs() {
      NodeFixture f = followerOfN2();
      f.receive(new AppendEntries(1, N3, 1, 1, List.of(), 0));
      f.sync();
      assertEquals(AppendEntriesResponse.staleTerm(2, N1, 1), f.lastSent(AppendEntriesResponse.class));
    }
  }

  @Nested
  @DisplayName("at a leader")
  class AtALeader {

    @Test
    void an_append_entries_of_its_own_term_is_refused() {
      NodeFixture f = new NodeFixture(classic());
      f.electLeader();
      assertRefusedUntouched(f, new AppendEntries(f.node.currentTerm(), N2, 0, 0, List.of(), 0), "second leader");
      assertEquals(Role.LEADER, f.node.role());
    }

    @Test
    void an_acknowledgement_beyond_what_was_sent_is_refused() {
      NodeFixture f = new NodeFixture(classic());
      f.electLeader();
      assertRefusedUntouched(f, f.ack(N2, 1_000_000_000_000L), "beyond the highest index sent");
      f.receive(f.ack(N2, 1));
      assertEquals(1, f.node.commitIndex(), "the follower's real acknowledgement still counts");
    }

    @Test
    void an_acknowledgement_of_entries_appended_but_not_yet_sent_is_refused() {
      NodeFixture f = new NodeFixture(classic());
      f.electLeader(); // probing n2: the command below waits until n2 answers the probe
      f.node.propose(bytes("x"));
      assertRefusedUntouched(f, f.ack(N2, 2), "beyond the highest index sent");
    }

    @Test
    void a_rejection_at_index_zero_or_beyond_what_was_sent_is_refused() {
      NodeFixture f = new NodeFixture(classic());
      f.electLeader();
      long term = f.node.currentTerm();
      assertRefusedUntouched(f, AppendEntriesResponse.rejected(term, N2, 0, 0, 1), "index 0");
      assertRefusedUntouched(f, AppendEntriesResponse.rejected(term, N2, 7, 0, 1), "beyond the highest index sent");
    }

    @Test
    void a_rejection_with_an_impossible_hint_is_refused() {
      NodeFixture f = leaderWithLog();
      long term = f.node.currentTerm();
      assertRefusedUntouched(f, AppendEntriesResponse.rejected(term, N2, 3, 0, 4), "outside [1, 3]");
      assertRefusedUntouched(f, AppendEntriesResponse.rejected(term, N2, 3, term + 1, 2), "beyond the current term");
      assertRefusedUntouched(f, AppendEntriesResponse.rejected(term, N2, 3, 1, 1), "the leader's own term");
    }

    @Test
    void a_possible_rejection_still_moves_the_follower_back() {
      NodeFixture f = leaderWithLog();
      f.receive(AppendEntriesResponse.rejected(f.node.currentTerm(), N2, 3, 0, 2));
      assertEquals(2, f.node.progressOf(N2).nextIndex());
    }

    @Test
    void a_stale_term_answer_at_a_new_leader_of_that_term_is_ignored_not_refused() {
      NodeFixture f = new NodeFixture(classic());
      f.electLeader();
      // n2 answers, in the leader's term, an append n1 sent in an earlier term at index 5.
      f.receive(AppendEntriesResponse.staleTerm(f.node.currentTerm(), N2, 5));
      assertEquals(0, f.node.impossibleMessages());
    }

    /** n1 leads term 2 with entries 1@1 .. 3@1 and its no-op 4@2, and has probed n2 at index 3. */
    private NodeFixture leaderWithLog() {
      List<LogEntry> log = List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c"));
      NodeFixture f = new NodeFixture(classic(), log, new HardState(1, null));
      f.electLeader();
      assertEquals(2, f.node.currentTerm());
      return f;
    }
  }

  @Nested
  @DisplayName("in any role")
  class InAnyRole {

    @Test
    void a_message_from_itself_is_refused_and_one_from_outside_the_configuration_is_handled() {
      NodeFixture f = new NodeFixture(classic());
      assertRefusedUntouched(f, new RequestVote(5, N1, 0, 0), "this node itself");
      // Thesis §4.1: a node handles messages from servers outside its configuration, which may
      // be in a newer one it has not yet received.
      long refused = f.node.impossibleMessages();
      f.receive(new RequestVote(5, NodeId.of("n9"), 0, 0));
      assertEquals(refused, f.node.impossibleMessages());
      assertEquals(5, f.node.currentTerm());
    }

    @Test
    void a_term_beyond_the_largest_possible_is_refused() {
      NodeFixture f = new NodeFixture(classic());
      assertRefusedUntouched(f, new RequestVote(Long.MAX_VALUE, N2, 0, 0), "beyond the largest possible");
      assertRefusedUntouched(f, new AppendEntries(MessageChecks.MAX_TERM + 1, N2, 0, 0, List.of(), 0),
          "beyond the largest possible");
      f.receive(new RequestVote(MessageChecks.MAX_TERM, N2, 0, 0));
      f.sync();
      assertEquals(MessageChecks.MAX_TERM, f.node.currentTerm(), "the largest term itself is possible");
    }

    @Test
    void a_candidate_whose_log_is_of_its_own_term_or_later_is_refused() {
      NodeFixture f = new NodeFixture(classic());
      assertRefusedUntouched(f, new RequestVote(3, N2, 5, 3), "cannot hold entries of term 3");
      assertRefusedUntouched(f, new PreVote(3, N2, 5, 4), "cannot hold entries of term 4");
    }

    @Test
    void votes_granted_in_terms_never_asked_for_are_refused() {
      NodeFixture f = new NodeFixture(classic());
      assertRefusedUntouched(f, new RequestVoteResponse(4, N2, true), "never campaigned");
      assertRefusedUntouched(f, new PreVoteResponse(2, N2, true), "never asked for");
    }

    @Test
    void an_acknowledgement_from_a_later_term_is_refused() {
      NodeFixture f = new NodeFixture(classic());
      assertRefusedUntouched(f, AppendEntriesResponse.accepted(3, N2, 0), "never led it");
    }
  }
}

package io.keel.raft.protocol;

import static io.keel.raft.protocol.MembershipTest.aFollower;
import static io.keel.raft.protocol.MembershipTest.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.ReadMode;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.LeadershipCheck;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import io.keel.raft.message.TimeoutNow;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Lease reads (Raft thesis §6.4.1) and the vote lease they rely on, in the test harness. */
class LeaseReadTest {

  private static final RaftConfig LEASE = TestCluster.testConfig().toBuilder().leaseReads(true).build();

  private static TestCluster leaseCluster(long seed) {
    TestCluster cluster = new TestCluster(3, LEASE, seed);
    cluster.runUntil(() -> cluster.leader() != null && cluster.leader().commitIndex() >= 1, 50);
    RaftNode<Long> leader = cluster.leader();
    long value = cluster.propose(leader.id().value());
    cluster.runUntil(() -> cluster.member(leader.id().value()).applied.contains(value), 20);
    cluster.fireTimer(leader.id().value()); // a heartbeat interval: the check that starts the lease
    cluster.deliverAll();
    return cluster;
  }

  private static long checksInFlight(TestCluster cluster) {
    return cluster.network.stream().filter(inFlight -> inFlight.message() instanceof LeadershipCheck).count();
  }

  @Test
  void while_the_lease_holds_a_read_is_served_at_once_without_a_round() {
    TestCluster cluster = leaseCluster(31);
    RaftNode<Long> leader = cluster.leader();
    CompletableFuture<Long> read = leader.reads().readIndex(ReadMode.LEASE);
    assertTrue(read.isDone(), "served at once");
    assertEquals(leader.commitIndex(), read.join());
    assertEquals(0, checksInFlight(cluster), "no round was sent");
    assertEquals(1, leader.reads().readsByLease());
    CompletableFuture<Long> byRound = leader.reads().readIndex();
    assertFalse(byRound.isDone(), "a read index read still waits for its round");
    assertEquals(2, checksInFlight(cluster));
  }

  @Test
  void an_expired_lease_serves_nothing_and_the_read_waits_for_a_round() {
    TestCluster cluster = leaseCluster(32);
    RaftNode<Long> leader = cluster.leader();
    String id = leader.id().value();
    cluster.isolate(id);
    cluster.advance(id, LEASE.leaseDuration().toNanos()); // no check renewed it
    cluster.dropAll();
    CompletableFuture<Long> read = leader.reads().readIndex(ReadMode.LEASE);
    assertFalse(read.isDone(), "no read on an expired lease");
    cluster.heal();
    cluster.runUntil(read::isDone, 20);
    assertEquals(0, leader.reads().readsByLease(), "a round served it");
  }

  @Test
  void a_leadership_transfer_voids_the_lease_for_the_rest_of_the_term() {
    TestCluster cluster = leaseCluster(33);
    RaftNode<Long> leader = cluster.leader();
    String target = aFollower(cluster, leader, Set.of());
    leader.membership().transferLeadership(NodeId.of(target));
    assertTrue(cluster.network.stream().anyMatch(inFlight -> inFlight.message() instanceof TimeoutNow),
        "the target is up to date: TimeoutNow goes at once");
    cluster.dropAll(); // the TimeoutNow is lost: the transfer will be abandoned, but it may still arrive late
    CompletableFuture<Long> read = leader.reads().readIndex(ReadMode.LEASE);
    assertFalse(read.isDone(), "no lease read once a TimeoutNow went out");
    assertEquals(2, checksInFlight(cluster));
  }

  @Test
  void a_lease_read_needs_lease_reads_on() {
    TestCluster cluster = MembershipTest.stableCluster(3, 34);
    assertInstanceOf(IllegalStateException.class, failureOf(cluster.leader().reads().readIndex(ReadMode.LEASE)));
  }

  /**
   * A late answer to an append a node sent as leader long ago carries a term it never saw: the node
   * adopts it and forgets its leader. Without lease reads it may then vote at once; with them it
   * still refuses, within the minimum election timeout of hearing its leader, so that no leader is
   * elected while the one it heard holds its lease.
   */
  @Test
  void with_lease_reads_a_follower_that_adopts_a_higher_term_still_refuses_votes_within_the_vote_lease() {
    for (boolean lease : new boolean[] {false, true}) {
      TestCluster cluster = lease ? leaseCluster(35) : MembershipTest.stableCluster(3, 35);
      RaftNode<Long> leader = cluster.leader();
      String followerId = aFollower(cluster, leader, Set.of());
      RaftNode<Long> follower = cluster.node(followerId);
      NodeId other = cluster.ids.stream()
          .filter(id -> !id.equals(leader.id()) && !id.value().equals(followerId)).findFirst().orElseThrow();
      long term = follower.currentTerm() + 1;
      follower.receive(new AppendEntriesResponse(term, other, false, 0, 0, 0));
      assertEquals(term, follower.currentTerm(), "the follower adopted the term");
      cluster.dropAll();
      follower.receive(new RequestVote(term, other, follower.lastLogIndex(), cluster.member(followerId).store.term(follower.lastLogIndex()), false));
      cluster.sync(followerId); // a vote leaves once the vote is durable
      boolean granted = cluster.network.stream().anyMatch(inFlight -> inFlight.message() instanceof RequestVoteResponse r
          && r.granted());
      assertEquals(!lease, granted, lease ? "refused within the vote lease" : "granted, as Raft allows");
    }
  }
}

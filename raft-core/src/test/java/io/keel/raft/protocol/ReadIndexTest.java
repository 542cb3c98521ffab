package io.keel.raft.protocol;

import static io.keel.raft.protocol.MembershipTest.aFollower;
import static io.keel.raft.protocol.MembershipTest.failureOf;
import static io.keel.raft.protocol.MembershipTest.runRounds;
import static io.keel.raft.protocol.MembershipTest.stableCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NotLeaderException;
import io.keel.raft.ReadFailedException;
import io.keel.raft.message.LeadershipCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Linearizable reads by read index (Raft thesis §6.4), in the test harness. */
class ReadIndexTest {

  @Test
  void aLeadersReadsShareOneCheckAndWaitForTheirIndexToApply() {
    TestCluster cluster = stableCluster(3, 21);
    RaftNode<Long> leader = cluster.leader();
    long value = cluster.propose(leader.id().value());
    cluster.runUntil(() -> cluster.member(leader.id().value()).applied.contains(value), 20);
    List<CompletableFuture<Long>> reads = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      reads.add(leader.reads().readIndex());
    }
    long checks = cluster.network.stream().filter(inFlight -> inFlight.message() instanceof LeadershipCheck).count();
    assertEquals(2, checks, "one check per follower serves all ten reads");
    assertTrue(reads.stream().noneMatch(CompletableFuture::isDone), "no read before a quorum confirmed");
    cluster.deliverAll();
    for (CompletableFuture<Long> read : reads) {
      assertEquals(leader.commitIndex(), read.join());
      assertTrue(leader.lastApplied() >= read.join());
    }
  }

  @Test
  void aNewLeaderServesReadsOnlyOnceAnEntryOfItsTermHasCommitted() {
    TestCluster cluster = stableCluster(3, 22);
    RaftNode<Long> old = cluster.leader();
    cluster.isolate(old.id().value());
    cluster.runUntil(() -> cluster.leader() != null && cluster.leader() != old, 100);
    RaftNode<Long> leader = cluster.leader();
    cluster.dropAll();
    if (leader.commitIndex() < leader.lastLogIndex()) { // its no-op is not committed yet
      CompletableFuture<Long> read = leader.reads().readIndex();
      assertTrue(cluster.network.stream().noneMatch(inFlight -> inFlight.message() instanceof LeadershipCheck));
      cluster.deliverUntil(read::isDone);
      assertTrue(read.join() >= leader.lastLogIndex() - 1);
    }
  }

  @Test
  void aDeposedLeaderNeverConfirmsAStaleRead() {
    TestCluster cluster = stableCluster(3, 23);
    RaftNode<Long> old = cluster.leader();
    cluster.isolate(old.id().value());
    CompletableFuture<Long> stale = old.reads().readIndex();
    cluster.runUntil(() -> cluster.leader() != null && cluster.leader() != old, 100);
    long value = cluster.propose(cluster.leader().id().value());
    cluster.runUntil(() -> cluster.appliedHistory().contains(value), 50);
    assertFalse(stale.isDone() && !stale.isCompletedExceptionally(),
        "the old leader cannot confirm a read that misses " + value);
    runRounds(cluster, 20); // CheckQuorum deposes it
    assertNotEquals(Role.LEADER, old.role());
    assertInstanceOf(ReadFailedException.class, failureOf(stale));
  }

  @Test
  void aFollowerAsksTheLeaderAndServesOnceItHasApplied() {
    TestCluster cluster = stableCluster(3, 24);
    RaftNode<Long> leader = cluster.leader();
    long value = cluster.propose(leader.id().value());
    cluster.runUntil(() -> cluster.member(leader.id().value()).applied.contains(value), 20);
    String followerId = aFollower(cluster, leader, Set.of());
    RaftNode<Long> follower = cluster.node(followerId);
    CompletableFuture<Long> read = follower.reads().readIndex();
    // The follower learns that the read index is committed with the leader's next heartbeat.
    cluster.runUntil(read::isDone, 20);
    assertTrue(read.join() >= cluster.member(leader.id().value()).store.lastIndex() - 1);
    assertTrue(cluster.member(followerId).applied.contains(value), "the follower applied the write before reading");
  }

  @Test
  void aFollowerReadFailsWithoutALeaderOrAnAnswer() {
    TestCluster cluster = stableCluster(3, 25);
    RaftNode<Long> leader = cluster.leader();
    String followerId = aFollower(cluster, leader, Set.of());
    RaftNode<Long> follower = cluster.node(followerId);
    cluster.crash(leader.id().value());
    CompletableFuture<Long> read = follower.reads().readIndex();
    cluster.dropAll();
    cluster.advance(followerId, TestCluster.testConfig().electionTimeoutMin().toNanos());
    assertInstanceOf(ReadFailedException.class, failureOf(read));
    cluster.runUntil(() -> follower.role() != Role.FOLLOWER || follower.leader().isEmpty(), 20);
    if (follower.leader().isEmpty()) {
      assertInstanceOf(NotLeaderException.class, failureOf(follower.reads().readIndex()));
    }
  }
}

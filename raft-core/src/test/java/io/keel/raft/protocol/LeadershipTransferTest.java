package io.keel.raft.protocol;

import static io.keel.raft.protocol.MembershipTest.aFollower;
import static io.keel.raft.protocol.MembershipTest.await;
import static io.keel.raft.protocol.MembershipTest.failureOf;
import static io.keel.raft.protocol.MembershipTest.stableCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.ConfigurationChange;
import io.keel.raft.ConfigurationChangeException;
import io.keel.raft.LeadershipTransferException;
import io.keel.raft.NodeId;
import io.keel.raft.NotLeaderException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Leadership transfer (Raft thesis §3.10), in the test harness. */
class LeadershipTransferTest {

  @Test
  void aNamedFollowerTakesOverAndTheOldLeaderRefusesProposalsMeanwhile() {
    TestCluster cluster = stableCluster(3, 11);
    RaftNode<Long> leader = cluster.leader();
    NodeId target = NodeId.of(aFollower(cluster, leader, Set.of()));
    long term = leader.currentTerm();
    CompletableFuture<NodeId> transfer = leader.membership().transferLeadership(target);
    assertEquals(target, leader.membership().transferTarget());
    assertInstanceOf(LeadershipTransferException.class, failureOf(leader.propose(new byte[8])));
    cluster.deliverUntil(transfer::isDone);
    assertEquals(target, transfer.join());
    assertEquals(Role.LEADER, cluster.node(target.value()).role());
    assertEquals(term + 1, cluster.node(target.value()).currentTerm(), "one election, no pre-vote round");
    long value = cluster.propose(target.value());
    cluster.runUntil(() -> cluster.appliedHistory().contains(value), 20);
  }

  @Test
  void aLaggingTargetIsBroughtUpToDateFirst() {
    TestCluster cluster = stableCluster(3, 12);
    RaftNode<Long> leader = cluster.leader();
    String lagging = aFollower(cluster, leader, Set.of());
    for (int i = 0; i < 10; i++) {
      cluster.propose(leader.id().value());
    }
    // The appends to the lagging node stay in flight while the rest of the cluster commits.
    for (int round = 0; round < 100; round++) {
      cluster.syncAll();
      int next = indexOfFirstNotTo(cluster, lagging);
      while (next >= 0) {
        cluster.deliver(next);
        next = indexOfFirstNotTo(cluster, lagging);
      }
    }
    assertTrue(cluster.node(lagging).lastLogIndex() < leader.commitIndex());
    long leadersLast = leader.lastLogIndex();
    CompletableFuture<NodeId> transfer = leader.membership().transferLeadership(NodeId.of(lagging));
    cluster.deliverUntil(transfer::isDone);
    NodeId next = transfer.join();
    assertEquals(NodeId.of(lagging), next);
    assertEquals(leadersLast + 1, cluster.node(lagging).lastLogIndex(), "everything, then its no-op");
    cluster.checkAcknowledgedAppliedOnce();
  }

  @Test
  void withNoTargetTheMostUpToDateVoterIsChosen() {
    TestCluster cluster = stableCluster(3, 13);
    RaftNode<Long> leader = cluster.leader();
    String behind = aFollower(cluster, leader, Set.of());
    String ahead = aFollower(cluster, leader, Set.of(NodeId.of(behind)));
    cluster.isolate(behind);
    cluster.propose(leader.id().value());
    cluster.deliverAll();
    cluster.heal();
    assertEquals(NodeId.of(ahead), await(cluster, leader.membership().transferLeadership(null)));
  }

  @Test
  void aTransferToAnUnreachableNodeIsAbandonedAndTheLeaderServesAgain() {
    TestCluster cluster = stableCluster(3, 14);
    RaftNode<Long> leader = cluster.leader();
    String target = aFollower(cluster, leader, Set.of());
    cluster.crash(target);
    CompletableFuture<NodeId> transfer = leader.membership().transferLeadership(NodeId.of(target));
    cluster.runUntil(transfer::isDone, 100);
    Throwable failure = failureOf(transfer);
    assertInstanceOf(LeadershipTransferException.class, failure);
    assertTrue(failure.getMessage().contains("leads again"), failure.getMessage());
    assertEquals(Role.LEADER, leader.role());
    long value = cluster.propose(leader.id().value());
    cluster.runUntil(() -> cluster.appliedHistory().contains(value), 20);
  }

  @Test
  void transfersAreRefusedWithTheirReason() {
    TestCluster cluster = stableCluster(3, 15);
    RaftNode<Long> leader = cluster.leader();
    RaftNode<Long> follower = cluster.node(aFollower(cluster, leader, Set.of()));
    assertInstanceOf(NotLeaderException.class, failureOf(follower.membership().transferLeadership(leader.id())));
    assertRefused(leader.membership().transferLeadership(NodeId.of("n9")), "no voter");
    assertEquals(leader.id(), leader.membership().transferLeadership(leader.id()).join());
    cluster.addJoiningNode("n4");
    await(cluster, leader.membership().change(ConfigurationChange.addLearner(NodeId.of("n4"), null)));
    assertRefused(leader.membership().transferLeadership(NodeId.of("n4")), "no voter");
    leader.membership().transferLeadership(follower.id());
    assertRefused(leader.membership().transferLeadership(follower.id()), "under way");
    ConfigurationChangeException busy = assertInstanceOf(ConfigurationChangeException.class,
        failureOf(leader.membership().change(ConfigurationChange.remove(NodeId.of("n4")))));
    assertEquals(ConfigurationChangeException.Reason.IN_PROGRESS, busy.reason());
    assertTrue(busy.getMessage().contains("being transferred"), busy.getMessage());
  }

  private static int indexOfFirstNotTo(TestCluster cluster, String node) {
    for (int i = 0; i < cluster.network.size(); i++) {
      if (!cluster.network.get(i).to().value().equals(node)) {
        return i;
      }
    }
    return -1;
  }

  private static void assertRefused(CompletableFuture<?> future, String text) {
    Throwable failure = assertInstanceOf(LeadershipTransferException.class, failureOf(future));
    assertTrue(failure.getMessage().contains(text), failure.getMessage());
  }
}

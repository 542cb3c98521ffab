package io.keel.raft.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.RaftConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Whole-cluster behaviour of PreVote and CheckQuorum across partitions, in the test harness. */
class PartitionTest {

  private static RaftConfig config(boolean preVoteAndCheckQuorum) {
    return RaftConfig.builder()
        .electionTimeout(Duration.ofMillis(150), Duration.ofMillis(300))
        .heartbeatInterval(Duration.ofMillis(50))
        .preVote(preVoteAndCheckQuorum)
        .checkQuorum(preVoteAndCheckQuorum)
        .build();
  }

  private static TestCluster stableCluster(boolean preVoteAndCheckQuorum) {
    TestCluster cluster = new TestCluster(3, config(preVoteAndCheckQuorum), 3);
    cluster.runUntil(() -> cluster.leader() != null, 50);
    return cluster;
  }

  private static void runRounds(TestCluster cluster, int rounds) {
    for (int i = 0; i < rounds; i++) {
      cluster.deliverAll();
      cluster.fireEarliestTimer();
    }
    cluster.deliverAll();
  }

  private static String aFollowerOf(TestCluster cluster, RaftNode<Long> leader) {
    return cluster.ids.stream().map(Object::toString)
        .filter(id -> !id.equals(leader.id().value())).findFirst().orElseThrow();
  }

  @Test
  void nodeRejoiningAfterLongIsolationDoesNotDeposeTheLeaderWithPreVote() {
    TestCluster cluster = stableCluster(true);
    RaftNode<Long> leader = cluster.leader();
    long term = leader.currentTerm();
    String outsider = aFollowerOf(cluster, leader);
    cluster.isolate(outsider);
    runRounds(cluster, 100);
    assertEquals(term, cluster.node(outsider).currentTerm(), "pre-votes fail, so the outsider's term stays");
    cluster.heal();
    runRounds(cluster, 50);
    assertEquals(leader, cluster.leader(), "the same leader still leads");
    assertEquals(term, leader.currentTerm());
  }

  @Test
  void withoutPreVoteTheRejoiningNodeForcesAnElection() {
    TestCluster cluster = stableCluster(false);
    RaftNode<Long> leader = cluster.leader();
    long term = leader.currentTerm();
    String outsider = aFollowerOf(cluster, leader);
    cluster.isolate(outsider);
    runRounds(cluster, 100);
    assertTrue(cluster.node(outsider).currentTerm() > term + 5, "its term ran ahead while isolated");
    cluster.heal();
    runRounds(cluster, 50);
    assertTrue(cluster.leader().currentTerm() > term, "its higher term forced a new election");
  }

  @Test
  void leaderCutOffFromTheMajorityStepsDownWithCheckQuorum() {
    TestCluster cluster = stableCluster(true);
    RaftNode<Long> oldLeader = cluster.leader();
    cluster.isolate(oldLeader.id().value());
    runRounds(cluster, 60);
    assertNotEquals(Role.LEADER, oldLeader.role(), "it no longer hears a majority");
    RaftNode<Long> newLeader = cluster.leader();
    assertNotEquals(oldLeader, newLeader);
    assertTrue(newLeader.currentTerm() > oldLeader.currentTerm() || oldLeader.role() != Role.LEADER);
    cluster.heal();
    long value = cluster.propose(newLeader.id().value());
    cluster.runUntil(() -> cluster.proposals.get(value).isDone(), 50);
    assertEquals(value, cluster.proposals.get(value).join(), "the majority side keeps committing");
  }

  @Test
  void withoutCheckQuorumTheCutOffLeaderStaysLeaderForever() {
    TestCluster cluster = stableCluster(false);
    RaftNode<Long> oldLeader = cluster.leader();
    cluster.isolate(oldLeader.id().value());
    runRounds(cluster, 60);
    assertEquals(Role.LEADER, oldLeader.role(), "nothing tells it to step down");
  }
}

package io.keel.raft.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationChange;
import io.keel.raft.ConfigurationChangeException;
import io.keel.raft.EntryType;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.NotLeaderException;
import io.keel.raft.RaftConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Membership change by joint consensus and learners, in the test harness. */
class MembershipTest {

  private static final NodeId N4 = NodeId.of("n4");
  private static final NodeId N5 = NodeId.of("n5");

  /** The harness's timeouts; a node may lag at most 5 entries to become a voter, and has 3 s to catch up. */
  static final RaftConfig CONFIG = TestCluster.testConfig().toBuilder()
      .maxCatchUpLag(5).catchUpTimeout(Duration.ofSeconds(3)).build();

  static TestCluster stableCluster(int size, long seed) {
    TestCluster cluster = new TestCluster(size, CONFIG, seed);
    cluster.runUntil(() -> cluster.leader() != null && cluster.leader().commitIndex() >= 1, 50);
    return cluster;
  }

  static <T> T await(TestCluster cluster, CompletableFuture<T> future) {
    cluster.runUntil(future::isDone, 200);
    return future.join();
  }

  static Throwable failureOf(CompletableFuture<?> future) {
    assertTrue(future.isCompletedExceptionally(), "the future did not fail: " + future);
    try {
      future.join();
      throw new AssertionError("unreachable");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  static Set<NodeId> ids(String... ids) {
    Set<NodeId> set = new TreeSet<>();
    for (String id : ids) {
      set.add(NodeId.of(id));
    }
    return set;
  }

  /** The configurations in {@code node}'s log, in order. */
  static List<Configuration> configurationsInLog(TestCluster cluster, String node) {
    List<Configuration> found = new ArrayList<>();
    TestCluster.Member member = cluster.member(node);
    for (long index = member.store.firstIndex(); index <= member.store.lastIndex(); index++) {
      LogEntry entry = member.store.entry(index);
      if (entry.type() == EntryType.CONFIGURATION) {
        found.add(entry.configuration());
      }
    }
    return found;
  }

  @Test
  void growingFromThreeToFiveGoesThroughTheJointConfiguration() {
    TestCluster cluster = stableCluster(3, 1);
    cluster.addJoiningNode("n4");
    cluster.addJoiningNode("n5");
    assertEquals(Configuration.NONE, cluster.node("n4").configuration());
    RaftNode<Long> leader = cluster.leader();
    Configuration result = await(cluster, leader.membership().change(ConfigurationChange.builder()
        .addVoter(N4, null).addVoter(N5, "10.0.0.5:7000").build()));

    assertEquals(ids("n1", "n2", "n3", "n4", "n5"), result.voters());
    assertFalse(result.isJoint());
    assertEquals("10.0.0.5:7000", result.address(N5).orElseThrow());
    List<Configuration> inLog = configurationsInLog(cluster, leader.id().value());
    assertEquals(2, inLog.size(), "C_old,new then C_new: " + inLog);
    assertEquals(ids("n1", "n2", "n3"), inLog.get(0).outgoingVoters());
    assertEquals(result, inLog.get(1));
    cluster.runUntil(() -> cluster.members.values().stream().allMatch(m -> m.node.configuration().equals(result)), 50);
    // The new voters now count: with two of the old three down, the other three commit.
    cluster.crash(aFollower(cluster, leader, Set.of(N4, N5)));
    cluster.crash(aFollower(cluster, leader, Set.of(N4, N5)));
    long value = cluster.propose(leader.id().value());
    cluster.runUntil(() -> cluster.appliedHistory().contains(value), 50);
    cluster.checkAcknowledgedAppliedOnce();
  }

  @Test
  void shrinkingRemovesTheLeaderWhichStepsDownOnceTheNewConfigurationCommits() {
    TestCluster cluster = stableCluster(5, 2);
    RaftNode<Long> leader = cluster.leader();
    String other = aFollower(cluster, leader, Set.of());
    long term = leader.currentTerm();
    Configuration result = await(cluster, leader.membership().change(ConfigurationChange.builder()
        .remove(leader.id()).remove(NodeId.of(other)).build()));

    assertEquals(3, result.voters().size());
    assertFalse(result.isMember(leader.id()));
    assertEquals(Role.FOLLOWER, leader.role());
    assertTrue(leader.stepDownReason().contains("no voter"), leader.stepDownReason());
    cluster.runUntil(() -> cluster.leader() != null && cluster.leader().currentTerm() > term, 100);
    assertTrue(result.isVoter(cluster.leader().id()));
    // The removed nodes never campaign again: their terms stay put however long they wait.
    long removedTerm = leader.currentTerm();
    runRounds(cluster, 100);
    assertEquals(Role.FOLLOWER, leader.role());
    assertEquals(removedTerm, leader.currentTerm());
    long value = cluster.propose(cluster.leader().id().value());
    cluster.runUntil(() -> cluster.appliedHistory().contains(value), 50);
  }

  @Test
  void aLearnerReceivesTheLogButNeverVotesNorCounts() {
    TestCluster cluster = stableCluster(3, 3);
    cluster.addJoiningNode("n4");
    RaftNode<Long> leader = cluster.leader();
    Configuration result = await(cluster, leader.membership().change(ConfigurationChange.addLearner(N4, null)));
    assertEquals(ids("n4"), result.learners());
    assertEquals(1, configurationsInLog(cluster, leader.id().value()).size(), "learners alone need no joint step");
    long value = cluster.propose(leader.id().value());
    cluster.runUntil(() -> cluster.member("n4").applied.contains(value), 50);

    // With both other voters down, the learner's acknowledgement commits nothing.
    cluster.crash(aFollower(cluster, leader, Set.of(N4)));
    cluster.crash(aFollower(cluster, leader, Set.of(N4)));
    long commitIndex = leader.commitIndex();
    cluster.propose(leader.id().value());
    runRounds(cluster, 10);
    assertEquals(commitIndex, leader.commitIndex());
    assertNotEquals(Role.LEADER, leader.role(), "CheckQuorum does not count the learner either");
    long learnerTerm = cluster.node("n4").currentTerm();
    runRounds(cluster, 100);
    assertEquals(learnerTerm, cluster.node("n4").currentTerm(), "a learner never campaigns");
  }

  @Test
  void aLearnerIsPromotedOnlyOnceCaughtUp() {
    TestCluster cluster = stableCluster(3, 4);
    cluster.addJoiningNode("n4");
    RaftNode<Long> leader = cluster.leader();
    await(cluster, leader.membership().change(ConfigurationChange.addLearner(N4, null)));
    cluster.isolate("n4");
    for (int i = 0; i < 20; i++) {
      cluster.propose(leader.id().value());
    }
    cluster.deliverAll();
    CompletableFuture<Configuration> promotion = leader.membership().change(ConfigurationChange.promote(N4));
    runRounds(cluster, 20);
    assertFalse(promotion.isDone(), "n4 lags: the change waits");
    assertEquals(1, configurationsInLog(cluster, leader.id().value()).size());
    cluster.heal();
    Configuration result = await(cluster, promotion);
    assertEquals(ids("n1", "n2", "n3", "n4"), result.voters());
    assertTrue(result.learners().isEmpty());
  }

  @Test
  void aVoterThatNeverCatchesUpFailsTheChangeAfterTheTimeout() {
    TestCluster cluster = stableCluster(3, 5);
    cluster.addJoiningNode("n4");
    cluster.isolate("n4");
    RaftNode<Long> leader = cluster.leader();
    CompletableFuture<Configuration> change = leader.membership().change(ConfigurationChange.addVoter(N4, null));
    cluster.runUntil(change::isDone, 10_000);
    ConfigurationChangeException failure = assertInstanceOf(ConfigurationChangeException.class, failureOf(change));
    assertEquals(ConfigurationChangeException.Reason.NOT_CAUGHT_UP, failure.reason());
    assertTrue(failure.getMessage().contains("n4"), failure.getMessage());
    assertEquals(ids("n1", "n2", "n3"), leader.configuration().voters());
    assertTrue(configurationsInLog(cluster, leader.id().value()).isEmpty(), "nothing was appended");
    // The leader serves changes again.
    cluster.heal();
    await(cluster, leader.membership().change(ConfigurationChange.addVoter(N4, null)));
  }

  @Test
  void changesAreRefusedWithTheirReason() {
    TestCluster cluster = stableCluster(3, 6);
    RaftNode<Long> leader = cluster.leader();
    RaftNode<Long> follower = cluster.node(aFollower(cluster, leader, Set.of()));
    assertInstanceOf(NotLeaderException.class,
        failureOf(follower.membership().change(ConfigurationChange.remove(leader.id()))));
    assertReason(ConfigurationChangeException.Reason.INVALID, leader.membership().change(
        ConfigurationChange.remove(NodeId.of("n9"))), "not a member");
    assertReason(ConfigurationChangeException.Reason.INVALID, leader.membership().change(
        ConfigurationChange.promote(NodeId.of("n2"))), "it is a voter");
    assertReason(ConfigurationChangeException.Reason.INVALID, leader.membership().change(
        ConfigurationChange.builder().remove(NodeId.of("n1")).remove(NodeId.of("n2")).remove(NodeId.of("n3")).build()),
        "no voter");
    cluster.addJoiningNode("n4");
    CompletableFuture<Configuration> first = leader.membership().change(ConfigurationChange.addVoter(N4, null));
    assertReason(ConfigurationChangeException.Reason.IN_PROGRESS, leader.membership().change(
        ConfigurationChange.addLearner(N5, null)), "under way");
    await(cluster, first);
    await(cluster, leader.membership().change(ConfigurationChange.addLearner(N5, null)));
  }

  @Test
  void aNewLeaderRefusesChangesUntilItHasCommittedAnEntryOfItsTerm() {
    TestCluster cluster = stableCluster(3, 7);
    RaftNode<Long> leader = cluster.leader();
    cluster.isolate(leader.id().value());
    cluster.runUntil(() -> cluster.leader() != null && cluster.leader() != leader
        && cluster.leader().currentTerm() > leader.currentTerm(), 100);
    RaftNode<Long> next = cluster.leader();
    cluster.dropAll(); // its no-op is not yet acknowledged
    if (next.commitIndex() < next.lastLogIndex()) {
      assertReason(ConfigurationChangeException.Reason.NOT_READY,
          next.membership().change(ConfigurationChange.remove(leader.id())), "has not yet committed");
    }
  }

  @Test
  void aConfigurationTakesEffectWhenAppendedAndATruncationRestoresThePreviousOne() {
    NodeFixture f = new NodeFixture(NodeFixture.classic());
    Configuration founders = f.node.configuration();
    Configuration withLearner = new Configuration(founders.voters(), new TreeSet<>(), new TreeSet<>(ids("n4")),
        new java.util.TreeMap<>());
    f.receive(f.appendEntries(2, NodeFixture.N2, 0, 0, List.of(NodeFixture.entry(1, 2, "a"),
        LogEntry.configuration(2, 2, withLearner)), 1));
    assertEquals(withLearner, f.node.configuration(), "in force once appended, before it commits");
    assertEquals(1, f.node.commitIndex());
    // The leader of term 3 never had entry 2: the follower truncates it, and the founders' configuration is back.
    f.receive(f.appendEntries(3, NodeFixture.N3, 1, 2, List.of(NodeFixture.entry(2, 3, "b")), 1));
    assertEquals(founders, f.node.configuration());
    assertEquals(founders, f.node.membership().configurationAt(2));
    assertEquals(0, f.node.membership().configurationIndex());
  }

  private static void assertReason(ConfigurationChangeException.Reason reason, CompletableFuture<?> future,
      String text) {
    ConfigurationChangeException failure = assertInstanceOf(ConfigurationChangeException.class, failureOf(future));
    assertEquals(reason, failure.reason(), failure.getMessage());
    assertTrue(failure.getMessage().contains(text), failure.getMessage());
  }

  static String aFollower(TestCluster cluster, RaftNode<Long> leader, Set<NodeId> excluded) {
    return cluster.members.values().stream()
        .filter(m -> !m.crashed && !m.id.equals(leader.id()) && !excluded.contains(m.id))
        .map(m -> m.id.value()).findFirst().orElseThrow();
  }

  static void runRounds(TestCluster cluster, int rounds) {
    for (int i = 0; i < rounds; i++) {
      cluster.deliverAll();
      cluster.fireEarliestTimer();
    }
    cluster.deliverAll();
  }

  @Test
  void theRemovedLeaderDoesNotDisruptTheNewConfiguration() {
    TestCluster cluster = stableCluster(3, 9);
    RaftNode<Long> leader = cluster.leader();
    await(cluster, leader.membership().change(ConfigurationChange.remove(leader.id())));
    cluster.runUntil(() -> cluster.leader() != null && cluster.leader() != leader, 100);
    RaftNode<Long> next = cluster.leader();
    long term = next.currentTerm();
    runRounds(cluster, 200);
    assertEquals(next, cluster.leader());
    assertEquals(term, next.currentTerm());
    assertNotEquals(Role.LEADER, leader.role());
  }
}

package io.keel.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.protocol.Role;
import io.keel.sim.Fault;
import io.keel.sim.NetworkModel;
import io.keel.sim.Partition;
import io.keel.sim.Scenario;
import io.keel.sim.SimulatedNode;
import io.keel.sim.SimulationReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's scenario scripts: each a short story about one of Raft's hazards. */
class ScenarioTest {

  private static final long SEEDS = 10;

  /**
   * A partial partition: n3 still reaches its peers but hears none of them, so it never hears the
   * leader (n1) and never learns that it cannot win.
   */
  private static Scenario partialPartition(boolean preVoteAndCheckQuorum) {
    return Scenario.of(3)
        .preVoteAndCheckQuorum(preVoteAndCheckQuorum)
        .clockJump("0s", 1, "300ms")
        .partition("1s", Partition.asymmetric(3, 3))
        .expectLivenessFrom("1.5s")
        .runFor("6s");
  }

  @Test
  void partialPartitionWithPreVoteAndCheckQuorumMakesProgress() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = partialPartition(true).run(seed).report();
      assertTrue(report.ok(), report.summary());
    }
  }

  @Test
  void partialPartitionWithoutPreVoteOrCheckQuorumMakesProgressUnderTheVoteLease() {
    // n3's ever-higher terms reach its peers, but they still hear the leader and ignore its vote
    // requests (thesis §4.2.3): n1 leads throughout.
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = partialPartition(false).run(seed).report();
      assertTrue(report.ok(), report.summary());
      assertEquals(1, report.termsWithLeader(), "n1 leads throughout: " + report.summary());
    }
  }

  @Test
  void heartbeatsSlowerThanTheElectionTimeoutAreAnElectionStorm() {
    // Messages take 200-400 ms where followers time out after 150-300 ms: no leader is heard in
    // time, so every node campaigns again and again, and leaders come and go.
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = Scenario.of(3)
          .network(NetworkModel.reliable().withDelay(Duration.ofMillis(200), Duration.ofMillis(400)))
          .expectLivenessFrom("1s")
          .runFor("8s")
          .run(seed).report();
      assertTrue(report.livelock(), "the liveness checker must catch the storm: " + report.summary());
      assertTrue(report.violation().contains("election storm") || report.violation().contains("committed"),
          report.violation());
    }
  }

  /**
   * A bridge: n3 sees n1 (the leader) and n2, which cannot see each other. n2 deposes n1 again and
   * again without PreVote and CheckQuorum, until the bridge itself is elected; with them, n1 keeps
   * leading. Either way the cluster makes progress.
   */
  @Test
  void aBridgePartitionMakesProgressEitherWay() {
    for (boolean on : new boolean[] {true, false}) {
      for (long seed = 1; seed <= SEEDS; seed++) {
        SimulationReport report = Scenario.of(3)
            .preVoteAndCheckQuorum(on)
            .clockJump("0s", 1, "300ms")
            .partition("1s", Partition.bridge(3, 3, 1))
            .expectLivenessFrom("1.5s")
            .runFor("6s")
            .run(seed).report();
        assertTrue(report.ok(), report.summary());
        if (on) {
          assertEquals(1, report.termsWithLeader(), "n1 leads throughout: " + report.summary());
        }
      }
    }
  }

  /** n3, a follower, is cut off for five seconds, long enough to time out many times, then comes back. */
  private static Scenario longIsolation(boolean preVote) {
    return Scenario.of(3)
        .raft(builder -> builder.preVote(preVote).checkQuorum(false))
        .clockJump("0s", 1, "300ms")
        .isolate("1s", 3)
        .partition("6s", Partition.none(3))
        .runFor("8s");
  }

  @Test
  void aNodeRejoiningAfterALongIsolationDoesNotDeposeAHealthyLeaderWithPreVote() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario.Result result = longIsolation(true).run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      assertEquals(1, result.report().termsWithLeader(), "one leader throughout: " + result.report().summary());
    }
  }

  @Test
  void withoutPreVoteTheRejoiningNodeDeposesTheLeader() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario.Result result = longIsolation(false).run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      assertTrue(result.report().termsWithLeader() > 1, "the returning node's term forces an election: "
          + result.report().summary());
    }
  }

  private static Scenario leaderCutOff(boolean checkQuorum) {
    return Scenario.of(5)
        .raft(builder -> builder.preVote(true).checkQuorum(checkQuorum))
        .isolateLeader("2s")
        .expectLivenessFrom("2s")
        .runFor("3.5s");
  }

  @Test
  void aLeaderCutOffFromItsMajorityStepsDownWithCheckQuorum() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario.Result result = leaderCutOff(true).run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      assertEquals(1, leaders(result.simulation().nodes()), "only the majority's new leader leads: "
          + result.simulation().nodes().stream().map(node -> node.raft().toString()).toList());
    }
  }

  @Test
  void withoutCheckQuorumTheCutOffLeaderStillBelievesItLeads() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario.Result result = leaderCutOff(false).run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      assertEquals(2, leaders(result.simulation().nodes()), "the old leader, alone, and the new one: "
          + result.simulation().nodes().stream().map(node -> node.raft().toString()).toList());
    }
  }

  @Test
  void crashesThatDropUnsyncedWritesLoseNothingCommitted() {
    long lost = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario script = Scenario.of(3).disk("20ms", true).clients(8, "1ms");
      for (int i = 1; i <= 8; i++) {
        script.crashLeader(i + "s").restart(i + ".3s", 1).restart(i + ".3s", 2).restart(i + ".3s", 3);
      }
      Scenario.Result result = script.heal("9s").runFor("13s").run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      assertTrue(result.report().crashes() == 8, result.report().summary());
      for (SimulatedNode<Long> node : result.simulation().nodes()) {
        lost += node.disk().writesLostInCrashes();
      }
    }
    assertTrue(lost > SEEDS, "the crashes really dropped unsynced writes: " + lost);
  }

  /**
   * Figure 8 of the Raft paper, scripted with partitions, clock jumps that decide who campaigns
   * first, and two steps that wait for the cluster's state. One entry per AppendEntries and one in
   * flight, so that an old-term entry can reach a majority before the new leader's no-op does.
   * (a) n1 leads and appends entry 3, which reaches only n2; (b) n1 crashes, n5 is elected by n3,
   * n4 and itself, and is cut off the moment it leads, with an entry of its own term at index 3;
   * (c) n5 crashes, n1 restarts and is elected by n2 and n3 in a later term, and replicates its
   * old-term entry 3 to a majority; (d) the moment n1 counts index 3 committed, it crashes, and n5
   * restarts and campaigns. A leader that commits an old-term entry by counting replicas lets n5
   * win and overwrite it (with that bug, 5 of these 50 seeds fail Leader Completeness); Raft's
   * rule commits entry 3 only with an entry of n1's own term, which n5 cannot overwrite.
   */
  @Test
  void figure8AnOldTermEntryOnAMajorityIsNotCommittedByCounting() {
    for (long seed = 1; seed <= 50; seed++) {
      SimulationReport report = Scenario.of(5)
          .raft(builder -> builder.preVote(false).checkQuorum(false).maxEntriesPerAppend(1).maxInflightAppends(1))
          .clients(0, "10ms")
          .clockJump("0s", 1, "300ms")
          .propose("100ms", 1)
          .partition("500ms", Partition.split(5, 1, 2))
          .propose("510ms", 1)                                                     // (a)
          .crash("530ms", 1)
          .clockJump("530ms", 5, "300ms")                                          // (b)
          .when(nodes -> leads(nodes, 5), new Fault.Cut(Partition.isolate(5, 5)))
          .crash("600ms", 5)
          .restart("600ms", 1)
          .partition("600ms", Partition.isolate(5, 4))
          .clockJump("601ms", 1, "300ms")                                          // (c)
          .when(nodes -> leads(nodes, 1) && nodes.get(0).raft().currentTerm() >= 3
                  && nodes.get(0).raft().commitIndex() >= 3,
              new Fault.Crash(1), new Fault.Cut(Partition.isolate(5, 1)),          // (d)
              new Fault.Restart(5), new Fault.ClockJump(5, Duration.ofMillis(300)))
          .heal("1.5s")
          .runFor("4s")
          .run(seed).report();
      assertTrue(report.ok(), report.summary());
      assertTrue(report.committed() >= 3, report.summary());
    }
  }

  private static boolean leads(List<SimulatedNode<Long>> nodes, int node) {
    SimulatedNode<Long> simulated = nodes.get(node - 1);
    return !simulated.isCrashed() && simulated.raft().role() == Role.LEADER;
  }

  /**
   * Regression, found by the simulator: n1 rejoins after an isolation, adopts the new term and
   * takes the new leader's entries, and crashes while both writes wait on a slow fsync. The torn
   * crash keeps entries of the new term but not the hard-state save of that term, and the core
   * refused to start on such a disk ("the log's last term is beyond the stored current term"), so
   * the node could never come back. Each (seed, crash time) below failed that way before the fix.
   */
  @Test
  void aNodeWhoseLogOutlivedItsHardStateRestartsAndRejoins() {
    long[][] cases = {{5, 2093}, {11, 2030}, {14, 2009}};
    for (long[] failing : cases) {
      Scenario.Result result = Scenario.of(3).disk("60ms", true).clients(2, "5ms")
          .clockJump("0s", 1, "300ms")
          .isolate("1s", 1)
          .partition("2s", Partition.none(3))
          .crash(failing[1] + "ms", 1)
          .restart("2.5s", 1)
          .heal("3s")
          .runFor("7s")
          .run(failing[0]);
      assertTrue(result.report().ok(), result.report().summary());
      SimulatedNode<Long> n1 = result.simulation().nodes().get(0);
      SimulatedNode<Long> n2 = result.simulation().nodes().get(1);
      assertTrue(!n1.isCrashed() && n1.raft().currentTerm() == n2.raft().currentTerm()
          && n1.raft().lastApplied() > 100, "n1 restarted, rejoined and re-applied the log: " + n1.raft());
    }
  }

  private static long leaders(List<SimulatedNode<Long>> nodes) {
    return nodes.stream().filter(node -> !node.isCrashed() && node.raft().role() == Role.LEADER).count();
  }

  @Test
  void aScriptIsTheSameScheduleInTextAndInCode() {
    Scenario fluent = Scenario.of(3).crash("1s", 2).restart("2s", 2).isolate("3s", 1).heal("4s");
    Scenario text = Scenario.of(3).script("""
        at 1s crash n2
        at 2s restart n2
        at 3s partition isolate n1   # a comment
        at 4s heal
        """);
    assertEquals(fluent.schedule(), text.schedule());
    assertFalse(fluent.run(1).report().traceHash() != text.run(1).report().traceHash());
  }
}

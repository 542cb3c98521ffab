package io.keel.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.sim.Partition;
import io.keel.sim.Scenario;
import io.keel.sim.SimulationReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the liveness checker may and may not call a livelock: a quorum that must wait for a
 * follower far behind, caught up one entry per round trip, is slow but not stuck; terms a node
 * reached campaigning alone before leadership had to settle are not a storm after it. And the same
 * runs, cut short or left stuck, are still livelocks.
 */
class LivenessJudgementTest {

  private static final long SEEDS = 3;

  /**
   * One entry per append and one append in flight: n3, cut off while n1 and n2 commit hundreds of
   * entries, must catch up before n1 and n3 (n2 has crashed) can commit anything of a new term.
   */
  private static Scenario slowCatchUp(String runFor) {
    return Scenario.of(3)
        .raft(raft -> raft.maxEntriesPerAppend(1).maxInflightAppends(1)
            .electionTimeout(Duration.ofMillis(100), Duration.ofMillis(200)))
        .partition("500ms", Partition.isolate(3, 3))
        .crash("8s", 2)
        .partition("8s", Partition.none(3))
        .expectLivenessFrom("8s")
        .runFor(runFor);
  }

  @Test
  void a_quorum_catching_up_one_entry_per_round_trip_is_judged_again_until_it_commits() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      java.util.List<String> lines = new java.util.ArrayList<>();
      SimulationReport report = slowCatchUp("20s").run(seed, lines::add).report();
      if (!report.ok()) { try { java.nio.file.Files.write(java.nio.file.Path.of("/tmp/slow.txt"), lines); } catch (Exception e) {} }
      assertTrue(report.ok(), report.summary());
    }
  }

  @Test
  void the_same_catch_up_is_a_livelock_when_the_run_ends_before_it_could_commit() {
    // The bound is 2 s (ten maximum election timeouts); the run ends before a second judgement.
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = slowCatchUp("11s").run(seed).report();
      assertTrue(report.livelock(), report.summary());
      assertTrue(report.violation().startsWith("Liveness: no proposal submitted after 8s committed within"),
          report.violation());
    }
  }

  @Test
  void a_quorum_that_never_catches_up_is_a_livelock_however_long_the_run() {
    // n3 stays cut off: n1 alone cannot commit, and what a quorum holds never rises.
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = Scenario.of(3)
          .partition("500ms", Partition.isolate(3, 3))
          .crash("3s", 2)
          .expectLivenessFrom("3s")
          .runFor("20s")
          .run(seed).report();
      assertTrue(report.livelock(), report.summary());
      assertTrue(report.violation().startsWith("Liveness: no proposal submitted after 3s committed within"),
          report.violation());
    }
  }

  @Test
  void terms_a_node_reached_alone_before_the_second_half_are_no_storm_after_it() {
    // Without PreVote, n3 campaigns alone from the start to 4.5 s, to a term far above the leader's.
    // It rejoins as the second half of the window (3 s to 6 s) begins: the leader, told of that
    // term, steps down, and one election follows, not the dozen terms n3 went through.
    for (long seed = 1; seed <= SEEDS; seed++) {
      Scenario.Result result = Scenario.of(3)
          .preVoteAndCheckQuorum(false)
          .partition("0ms", Partition.isolate(3, 3))
          .partition("4500ms", Partition.none(3))
          .expectLivenessFrom("3s")
          .runFor("10s")
          .run(seed);
      assertTrue(result.report().ok(), result.report().summary());
      long term = result.simulation().nodes().stream().mapToLong(node -> node.raft().currentTerm()).max().orElseThrow();
      assertTrue(term >= 10, "n3 campaigned alone to a high term: " + term);
    }
  }

  @Test
  void elections_that_begin_in_the_second_half_are_a_storm() {
    // The window is 2 s to 5 s; from 3.5 s, each new leader is cut off in turn, and the others
    // elect another: four elections in the second half, where three at most may begin.
    for (long seed = 1; seed <= SEEDS; seed++) {
      SimulationReport report = Scenario.of(5)
          .isolateLeader("3550ms")
          .isolateLeader("3900ms")
          .isolateLeader("4250ms")
          .isolateLeader("4600ms")
          .expectLivenessFrom("2s")
          .runFor("8s")
          .run(seed).report();
      assertTrue(report.livelock(), report.summary());
      assertTrue(report.violation().startsWith("Liveness: election storm"), report.violation());
    }
  }
}

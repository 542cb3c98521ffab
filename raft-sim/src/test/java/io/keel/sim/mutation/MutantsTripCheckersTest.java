package io.keel.sim.mutation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each checker fires on a run that breaks its property: a planted bug of the catalogue, compiled
 * into a scratch copy of its class and run seed after seed in a child JVM, must fail by that
 * checker first. A checker that stopped seeing its bug, or a simulator that stopped reaching it
 * within the budget, fails here. (Checkers no mutant reaches first are shown firing by tampering,
 * in {@code CheckersFireTest}, and in {@code RogueTest}.) The budget is bigger than any of these
 * mutants needs today, so that small changes of the simulator's draws do not fail it.
 */
class MutantsTripCheckersTest {

  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  private static final long SEEDS_PER_CLUSTER_SIZE = 800;

  @TempDir Path scratch;

  @ParameterizedTest(name = "{0} is caught by {1}")
  @CsvSource({
      "leader-counts-own-non-durable-entries, Committed Entries Kept",
      "commit-index-moves-back, Node Invariants",
      "commit-old-term-by-counting, Commit Rule",
      // A vote asked for in a term the crash forgot shows either as two leaders or, earlier, as a
      // vote granted in a term the restarted node never campaigned in (so Election Safety is also
      // shown by tampering in CheckersFireTest).
      "message-sent-before-hard-state-durable, Election Safety | No Impossible Messages",
      "acknowledge-before-durable, Acknowledged Durable",
      "proposal-tracked-one-entry-late, Applied Exactly Once",
      "vote-without-up-to-date-check, Leader Completeness",
      "append-skips-consistency-check, Log Matching | No Exceptions | State Machine Safety",
      "conflict-kept-not-truncated, State Machine Safety | Log Matching | Acknowledged Durable",
      "conflict-hint-off-by-one, Conflict Hints",
      "resume-past-the-leaders-term, Fast Backtracking",
      "match-index-moves-back, Match Indexes",
      "inflight-window-never-freed, Flow Control",
      "check-quorum-never-steps-down, Check Quorum",
      "pre-vote-granted-while-leader-heard, Pre-Vote Lease",
      "pre-vote-changes-the-term, Pre-Vote Keeps Terms",
      "vote-request-ignores-leader-lease, Vote Lease",
      "election-timer-not-reset-by-leader, Election Timer",
      "heartbeats-not-sent, Disruption",
      // A follower whose lost append is never probed again stalls: either no proposal commits, or
      // the cluster commits without it and it never catches up.
      "stalled-append-never-reprobed, Liveness | Catch-Up",
      // Committing by the new voters alone can leave an entry on too few of the old ones, before
      // the joint configuration commits; Election Safety and Leader Completeness follow from it.
      // A second leader serves stale reads too, which Linearizable Reads may see first.
      "joint-commit-ignores-outgoing-voters, Committed Entries Kept | Leader Completeness | State Machine Safety"
          + " | Linearizable Reads",
      "joint-vote-ignores-outgoing-voters, Election Safety | Leader Completeness | State Machine Safety"
          + " | Linearizable Reads",
      "read-index-skips-leadership-check, Linearizable Reads",
      "read-before-own-term-commit, Linearizable Reads",
      "lease-without-quorum, Linearizable Reads"})
  void the_checker_fires_on_its_planted_bug(String name, String checker) throws IOException, InterruptedException {
    assertCaught(name, checker, List.of("--sim-seconds", "30", "--threads", "2"));
  }

  /** Bugs that only a workload with keys and sessions reaches: its history is judged at each run's end. */
  @ParameterizedTest(name = "{0} is caught by {1} in the key-value workload")
  @CsvSource({"session-retry-applied-again, Linearizable History"})
  void the_history_check_fires_on_its_planted_bug(String name, String checker) throws IOException, InterruptedException {
    assertCaught(name, checker, List.of("--sim-seconds", "30", "--threads", "2", "--workload", "kv"));
  }

  private void assertCaught(String name, String checker, List<String> options) throws IOException, InterruptedException {
    List<Mutant> catalogue = MutantCatalogue.parse(
        Files.readString(REPOSITORY.resolve("raft-sim/mutants/core.mutants"), StandardCharsets.UTF_8));
    Mutant mutant = catalogue.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    MutationRunner runner = new MutationRunner(REPOSITORY, scratch, System.getProperty("java.class.path"),
        options, SEEDS_PER_CLUSTER_SIZE);
    MutantOutcome outcome = runner.run(mutant, false);
    assertTrue(outcome.caught(), name + " survived " + outcome.seedsToCatch() + " seeds");
    List<String> expected = Arrays.stream(checker.split("\\|")).map(String::strip).toList();
    assertTrue(expected.contains(outcome.checker()),
        "expected " + checker + " but " + outcome.checker() + " fired first: " + outcome.violation());
  }
}

package io.keel.raft.protocol;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.RaftConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random interleavings of message delivery, loss, duplication, reordering, timer firings, disk
 * syncs, proposals and crashes on 3 and 5 nodes. After every step {@link TestCluster#check()}
 * verifies: at most one leader per term; a committed entry never changes; every node applies the
 * same commands in the same order. At the end, every proposal acknowledged OK was applied exactly
 * once, and once faults stop the cluster elects a leader and commits a new proposal.
 */
class ClusterSafetyProperties {

  /** One step of the schedule; the ints pick a message or a node modulo what exists. */
  sealed interface Step permits Deliver, Calm, Drop, Duplicate, Timer, Sync, Propose, Crash, Restart {}

  record Deliver(int pick) implements Step {}

  /** A calm spell: the oldest messages are delivered in order and every store syncs. */
  record Calm(int messages) implements Step {}

  record Drop(int pick) implements Step {}

  record Duplicate(int pick) implements Step {}

  record Timer(int node) implements Step {}

  record Sync(int node) implements Step {}

  record Propose(int node) implements Step {}

  record Crash(int node) implements Step {}

  record Restart(int node) implements Step {}

  @Property
  void threeNodesStaySafe(@ForAll("schedules") List<Step> schedule, @ForAll long seed, @ForAll boolean preVoteAndCheckQuorum) {
    run(3, schedule, seed, preVoteAndCheckQuorum);
  }

  @Property
  void fiveNodesStaySafe(@ForAll("schedules") List<Step> schedule, @ForAll long seed, @ForAll boolean preVoteAndCheckQuorum) {
    run(5, schedule, seed, preVoteAndCheckQuorum);
  }

  /** Small batches and windows, so that a few steps reach backtracking and flow control. */
  static RaftConfig config(boolean preVoteAndCheckQuorum) {
    return RaftConfig.builder()
        .electionTimeout(Duration.ofMillis(150), Duration.ofMillis(300))
        .heartbeatInterval(Duration.ofMillis(50))
        .maxEntriesPerAppend(3)
        .maxInflightAppends(4)
        .preVote(preVoteAndCheckQuorum)
        .checkQuorum(preVoteAndCheckQuorum)
        .build();
  }

  private static void run(int size, List<Step> schedule, long seed, boolean preVoteAndCheckQuorum) {
    TestCluster cluster = new TestCluster(size, config(preVoteAndCheckQuorum), seed);
    for (Step step : schedule) {
      apply(cluster, step);
    }
    cluster.checkAcknowledgedAppliedOnce();
    long acknowledged = cluster.proposals.values().stream()
        .filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    Statistics.label("commands applied during faults")
        .collect(bucket(cluster.appliedHistory().size()));
    Statistics.label("proposals acknowledged during faults").collect(bucket(acknowledged));
    Statistics.label("highest term").collect(bucket(cluster.highestTerm()));

    // Liveness once the faults stop: restart everyone, let the network run, elect, commit.
    for (String id : nodeIds(cluster)) {
      if (cluster.member(id).crashed) {
        cluster.restart(id);
      }
    }
    cluster.runUntil(() -> cluster.leader() != null, 200);
    RaftNode<Long> leader = cluster.leader();
    assertNotNull(leader);
    long value = cluster.propose(leader.id().value());
    CompletableFuture<Long> future = cluster.proposals.get(value);
    cluster.runUntil(future::isDone, 200);
    assertTrue(!future.isCompletedExceptionally() || cluster.leader() != leader,
        "a proposal to a stable leader with a healthy network commits: " + cluster);
    cluster.checkAcknowledgedAppliedOnce();
  }

  private static String bucket(long count) {
    return count == 0 ? "0" : count < 5 ? "1-4" : count < 20 ? "5-19" : "20+";
  }

  static List<String> nodeIds(TestCluster cluster) {
    return cluster.ids.stream().map(id -> id.value()).toList();
  }

  /** Performs one step of a schedule on {@code cluster}; shared with {@link LyingPeerProperties}. */
  static void apply(TestCluster cluster, Step step) {
    List<String> ids = nodeIds(cluster);
    int messages = cluster.network.size();
    if (step instanceof Deliver deliver && messages > 0) {
      cluster.deliver(Math.floorMod(deliver.pick(), messages));
    } else if (step instanceof Calm calm) {
      for (int i = 0; i < calm.messages() && !cluster.network.isEmpty(); i++) {
        cluster.deliver(0);
      }
      cluster.syncAll();
    } else if (step instanceof Drop drop && messages > 0) {
      cluster.drop(Math.floorMod(drop.pick(), messages));
    } else if (step instanceof Duplicate duplicate && messages > 0) {
      cluster.duplicate(Math.floorMod(duplicate.pick(), messages));
    } else if (step instanceof Timer timer) {
      cluster.fireTimer(ids.get(Math.floorMod(timer.node(), ids.size())));
    } else if (step instanceof Sync sync) {
      cluster.sync(ids.get(Math.floorMod(sync.node(), ids.size())));
    } else if (step instanceof Propose propose) {
      String id = ids.get(Math.floorMod(propose.node(), ids.size()));
      RaftNode<Long> leader = cluster.leader();
      cluster.propose(leader != null && propose.node() % 2 == 0 ? leader.id().value() : id);
    } else if (step instanceof Crash crash) {
      String id = ids.get(Math.floorMod(crash.node(), ids.size()));
      if (!cluster.member(id).crashed) {
        cluster.crash(id);
      }
    } else if (step instanceof Restart restart) {
      String id = ids.get(Math.floorMod(restart.node(), ids.size()));
      if (cluster.member(id).crashed) {
        cluster.restart(id);
      }
    }
  }

  @Provide
  Arbitrary<List<Step>> schedules() {
    return Combinators.combine(steps().list().ofMinSize(100).ofMaxSize(500), Arbitraries.just(0))
        .as((steps, unused) -> steps);
  }

  /** One step of a correct cluster's schedule under faults; shared with {@link LyingPeerProperties}. */
  static Arbitrary<Step> steps() {
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1_000);
    Arbitrary<Step> step = Arbitraries.frequencyOf(
        Tuple.of(30, pick.map(Deliver::new)),
        Tuple.of(10, Arbitraries.integers().between(1, 40).map(Calm::new)),
        Tuple.of(3, pick.map(Drop::new)),
        Tuple.of(3, pick.map(Duplicate::new)),
        Tuple.of(3, pick.map(Timer::new)),
        Tuple.of(10, pick.map(Sync::new)),
        Tuple.of(10, pick.map(Propose::new)),
        Tuple.of(1, pick.map(Crash::new)),
        Tuple.of(2, pick.map(Restart::new)));
    return step;
  }
}

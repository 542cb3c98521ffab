package io.keel.raft.protocol;

import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVote;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVote;
import io.keel.raft.message.RequestVoteResponse;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * A lying peer: arbitrary well-formed messages, forged in the name of any member, mixed into the
 * traffic of a correct cluster under loss, duplication, reordering and crashes. A lying member can
 * break Raft's guarantees by design, so the property is the one a node must keep whatever it is
 * told: it never halts and never throws, and its own invariants hold after every event. The lies
 * are drawn near the cluster's real state (terms around the highest, indexes around the longest
 * log) so that they reach the deep checks, with a few extreme values mixed in.
 */
class LyingPeerProperties {

  /** A forged message: the numbers pick its kind, ends and values relative to the cluster's state. */
  record Lie(int kind, int from, int to, int termPick, long indexPick, long otherPick, int entries, boolean flag) {}

  @Property
  void threeNodesNeverHaltOnLies(@ForAll("schedules") List<Object> schedule, @ForAll long seed,
      @ForAll boolean preVoteAndCheckQuorum) {
    run(3, schedule, seed, preVoteAndCheckQuorum);
  }

  @Property
  void fiveNodesNeverHaltOnLies(@ForAll("schedules") List<Object> schedule, @ForAll long seed,
      @ForAll boolean preVoteAndCheckQuorum) {
    run(5, schedule, seed, preVoteAndCheckQuorum);
  }

  private static void run(int size, List<Object> schedule, long seed, boolean preVoteAndCheckQuorum) {
    TestCluster cluster = new TestCluster(size, ClusterSafetyProperties.config(preVoteAndCheckQuorum), seed);
    for (Object step : schedule) {
      if (step instanceof Lie lie) {
        tell(cluster, lie);
      } else {
        ClusterSafetyProperties.apply(cluster, (ClusterSafetyProperties.Step) step);
      }
    }
    for (String id : ClusterSafetyProperties.nodeIds(cluster)) {
      if (cluster.member(id).crashed) {
        cluster.restart(id);
      }
    }
    cluster.deliverAll();
    Statistics.label("impossible messages refused").collect(bucket(cluster.impossible.size()));
    for (ImpossibleMessage refused : cluster.impossible) {
      Statistics.label("refusals by message").collect(refused.message().getClass().getSimpleName());
    }
  }

  private static String bucket(long count) {
    return count == 0 ? "0" : count < 5 ? "1-4" : count < 20 ? "5-19" : "20+";
  }

  private static void tell(TestCluster cluster, Lie lie) {
    List<NodeId> ids = cluster.ids;
    NodeId from = ids.get(Math.floorMod(lie.from(), ids.size()));
    NodeId to = ids.get(Math.floorMod(lie.to(), ids.size()));
    if (to.equals(from)) {
      to = ids.get((ids.indexOf(from) + 1) % ids.size());
    }
    cluster.lie(to, forge(cluster, from, lie));
  }

  /** A well-formed message claiming to come from {@code from}, near the cluster's state. */
  static Message forge(TestCluster cluster, NodeId from, Lie lie) {
    long term = term(cluster.highestTerm(), lie.termPick());
    long index = index(longestLog(cluster), lie.indexPick());
    long other = index(longestLog(cluster), lie.otherPick());
    long logTerm = index == 0 ? 0 : 1 + Math.floorMod(lie.otherPick(), Math.max(1, Math.min(term, 1 << 20)));
    return switch (Math.floorMod(lie.kind(), 6)) {
      case 0 -> appendEntries(term, from, index, Math.min(logTerm, Math.max(term, 0)), other, lie.entries());
      case 1 -> lie.flag()
          ? AppendEntriesResponse.accepted(term, from, index)
          : AppendEntriesResponse.rejected(term, from, index, Math.min(logTerm, term), other);
      case 2 -> new RequestVote(term, from, index, logTerm);
      case 3 -> new RequestVoteResponse(term, from, lie.flag());
      case 4 -> new PreVote(term, from, index, logTerm);
      default -> new PreVoteResponse(term, from, lie.flag());
    };
  }

  private static Message appendEntries(long term, NodeId from, long prevIndex, long prevTerm, long commit, int count) {
    if (term == 0 || prevTerm == 0) {
      prevIndex = 0;
      prevTerm = 0;
    }
    List<LogEntry> entries = new ArrayList<>();
    long entryTerm = Math.max(1, prevTerm);
    for (int i = 1; i <= count && term > 0 && prevIndex + i > 0; i++) {
      entryTerm = Math.min(term, entryTerm + (i % 2));
      entries.add(LogEntry.command(prevIndex + i, entryTerm, new byte[8]));
    }
    return new AppendEntries(term, from, prevIndex, prevTerm, entries, commit);
  }

  /** Mostly the highest term give or take one or two; sometimes extreme. */
  private static long term(long highest, int pick) {
    return switch (Math.floorMod(pick, 16)) {
      case 0 -> MessageChecks.MAX_TERM;
      case 1 -> MessageChecks.MAX_TERM + 1;
      case 2 -> Long.MAX_VALUE;
      case 3 -> 0;
      default -> Math.max(0, highest - 1 + Math.floorMod(pick, 4));
    };
  }

  /** Mostly an index within or just past the longest log; sometimes huge. */
  private static long index(long longest, long pick) {
    if (Math.floorMod(pick, 20) == 0) {
      return Long.MAX_VALUE - 10;
    }
    if (Math.floorMod(pick, 20) == 1) {
      return 1_000_000_000_000L;
    }
    return Math.floorMod(pick, longest + 4);
  }

  private static long longestLog(TestCluster cluster) {
    long longest = 0;
    for (TestCluster.Member member : cluster.members.values()) {
      longest = Math.max(longest, member.store.lastIndex());
    }
    return longest;
  }

  @Provide
  Arbitrary<List<Object>> schedules() {
    Arbitrary<Lie> lie = Combinators.combine(
        Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers(),
        Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers().between(0, 4), Arbitraries.of(true, false))
        .as(Lie::new);
    Arbitrary<Object> step = Arbitraries.frequencyOf(
        Tuple.of(3, ClusterSafetyProperties.steps().map(s -> (Object) s)),
        Tuple.of(1, lie.map(l -> (Object) l)));
    return step.list().ofMinSize(100).ofMaxSize(400);
  }
}

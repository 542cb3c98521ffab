package io.keel.raft.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The leader's allocation-free counting gives the answers of the pure quorum arithmetic it stands
 * for: {@link LeaderQuorum#committedIndex} as {@link Quorum#committedIndex}, and
 * {@link LeaderQuorum#heardFromQuorum} as {@link Quorum#isQuorum}, the leader counting itself where
 * it votes, with its durable index and as always heard.
 */
class LeaderQuorumProperties {

  private static final NodeId LEADER = NodeId.of("n0");
  private static final long LEASE = 100;
  private static final long NOW = 1_000;

  @Property(tries = 3_000)
  void countsAsTheQuorumArithmeticDoes(@ForAll("configurations") Configuration configuration,
      @ForAll("indexes") List<Long> matches, @ForAll("ages") List<Long> ages,
      @ForAll @IntRange(min = 0, max = 30) int leaderDurable) {
    Map<NodeId, Progress> progress = new LinkedHashMap<>();
    Map<NodeId, Long> match = new HashMap<>();
    Map<NodeId, Long> heard = new HashMap<>();
    int i = 0;
    for (NodeId member : configuration.members()) {
      if (member.equals(LEADER)) {
        continue;
      }
      Progress follower = new Progress(member, 31, 4, 0);
      follower.onAccepted(matches.get(i % matches.size()));
      follower.heardAt(NOW - ages.get(i % ages.size()));
      progress.put(member, follower);
      match.put(member, follower.matchIndex());
      heard.put(member, follower.lastHeardNanos());
      i++;
    }
    match.put(LEADER, (long) leaderDurable);
    heard.put(LEADER, NOW);
    LeaderQuorum quorum = new LeaderQuorum();
    quorum.use(configuration, LEADER, progress);

    assertEquals(Quorum.committedIndex(configuration, match::get), quorum.committedIndex(leaderDurable));
    assertEquals(Quorum.isQuorum(configuration, member -> NOW - heard.get(member) < LEASE),
        quorum.heardFromQuorum(NOW, LEASE));
  }

  /** Configurations of up to eight nodes, the leader n0 among them in any role or none. */
  @Provide
  Arbitrary<Configuration> configurations() {
    return QuorumProperties.smallConfigurations();
  }

  @Provide
  Arbitrary<List<Long>> indexes() {
    return Arbitraries.longs().between(0, 30).list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<Long>> ages() {
    return Arbitraries.longs().between(0, 2 * LEASE).list().ofMinSize(1).ofMaxSize(8);
  }
}

package io.keel.raft.protocol;

import static io.keel.raft.protocol.NodeFixture.classic;
import static io.keel.raft.protocol.NodeFixture.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Raft paper's Figure 8: a leader must not commit an entry of an earlier term by counting
 * replicas, because a later leader can still overwrite it; committing an entry of its own term
 * commits the earlier one safely (§5.4.2).
 *
 * <p>State (b)→(c) of the figure, built from durable logs: S1 holds 2@2 and becomes leader of term 4;
 * S2 holds 2@2; S3 and S4 hold only 1@1; S5, down meanwhile, holds 2@3, written as leader of term 3.
 * S1 replicates 2@2 to S3, so 2@2 sits on a majority.
 */
class Figure8Test {

  private static final RaftConfig CONFIG = classic().toBuilder().maxEntriesPerAppend(1).build();

  private TestCluster cluster;

  @BeforeEach
  void buildFigure8c() {
    cluster = new TestCluster(5, CONFIG, 8);
    LogEntry first = entry(1, 1, "first");
    cluster.preload("n1", new HardState(3, null), first, entry(2, 2, "from-S1-term-2"));
    cluster.preload("n2", new HardState(3, null), first, entry(2, 2, "from-S1-term-2"));
    cluster.preload("n3", new HardState(3, null), first);
    cluster.preload("n4", new HardState(3, null), first);
    cluster.preload("n5", new HardState(3, NodeId.of("n5")), first, entry(2, 3, "from-S5-term-3"));
    cluster.crash("n5"); // down, its log intact, while S1 leads term 4

    cluster.fireTimer("n1");
    cluster.deliverUntil(() -> cluster.node("n1").role() == Role.LEADER);
    assertEquals(4, cluster.node("n1").currentTerm());
    // S1 replicates 2@2 to S3 (one entry per message), and hears S3's acknowledgement.
    cluster.deliverUntil(() -> cluster.node("n1").progressOf(NodeId.of("n3")).matchIndex() >= 2);
    assertEquals(2, cluster.member("n3").store.term(2));
  }

  @Test
  @DisplayName("(c) an entry of an earlier term on a majority is not committed by counting replicas")
  void earlierTermEntryOnMajorityIsNotCommitted() {
    long holders = cluster.members.values().stream()
        .filter(m -> m.store.lastIndex() >= 2 && m.store.term(2) == 2).count();
    assertTrue(holders >= 3, "2@2 is on a majority: " + holders);
    assertTrue(cluster.node("n1").commitIndex() < 2, "but S1 must not commit it: " + cluster);
  }

  @Test
  @DisplayName("(d) if S1 crashes first, S5 is elected and overwrites 2@2 everywhere; nothing committed is lost")
  void laterLeaderOverwritesTheUncommittedEntry() {
    cluster.dropAll();
    cluster.crash("n1");
    // S2..S4 heard from S1 a moment ago: they ignore vote requests until a minimum election
    // timeout has passed (thesis §4.2.3); their own timers are drawn longer than that.
    for (String id : new String[] {"n2", "n3", "n4"}) {
      cluster.advance(id, CONFIG.electionTimeoutMin().toNanos());
      assertEquals(Role.FOLLOWER, cluster.node(id).role());
    }
    cluster.restart("n5");
    cluster.fireTimer("n5"); // term 4: refused, S2..S4 already voted in term 4
    cluster.deliverAll();
    cluster.fireTimer("n5"); // term 5: S3 and S4 vote for it
    cluster.deliverUntil(() -> cluster.node("n5").role() == Role.LEADER);
    cluster.deliverAll();
    for (String id : new String[] {"n2", "n3", "n4", "n5"}) {
      assertEquals(3, cluster.member(id).store.term(2), id + " holds S5's 2@3 " + cluster);
    }
    assertTrue(cluster.node("n5").commitIndex() >= 2, "S5 commits through its own term's entry");
    // TestCluster.check() ran after every step: 2@2 was never committed, so no committed entry changed.
  }

  @Test
  @DisplayName("(e) if S1 replicates an entry of its own term first, both commit and S5 can never win")
  void ownTermEntryCommitsTheEarlierOne() {
    cluster.deliverAll();
    RaftNode<Long> s1 = cluster.node("n1");
    assertTrue(s1.commitIndex() >= 3, "3@4 on a majority commits it and 2@2 before it: " + cluster);
    cluster.crash("n1");
    cluster.restart("n5");
    for (int attempt = 0; attempt < 5; attempt++) {
      cluster.fireTimer("n5");
      cluster.deliverAll();
      assertNotEquals(Role.LEADER, cluster.node("n5").role(), "S5's log lacks committed entries " + cluster);
    }
    for (String id : new String[] {"n2", "n3"}) {
      assertEquals(2, cluster.member(id).store.term(2), id + " keeps the committed 2@2");
    }
  }
}

package io.keel.raft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVoteResponse;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.storage.InMemoryLogStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each change of role or term is told with the cause the node's state shows, and only then. */
class RoleChangeLogTest {

  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N2 = NodeId.of("n2");
  private static final NodeId N3 = NodeId.of("n3");
  private static final long MS = 1_000_000L;

  private long now;
  private final RaftNode<String>[] self = newArray();
  private final InMemoryLogStore store = new InMemoryLogStore(new DurabilityListener() {
    @Override
    public void logDurable(long sequence, long index, long term) {
      self[0].onLogDurable(sequence, index, term);
    }

    @Override
    public void hardStateDurable(HardState state) {
      self[0].onHardStateDurable(state);
    }

    @Override
    public void storageFailed(Exception cause) {
      self[0].onStorageFailure(cause);
    }
  }, () -> now, 0);

  @SuppressWarnings("unchecked")
  private static RaftNode<String>[] newArray() {
    return new RaftNode[1];
  }

  @Test
  void a_follower_says_how_long_its_leader_was_silent_and_a_deposed_leader_says_why() {
    RaftNode<String> node = RaftNode.<String>builder()
        .id(N1)
        .voters(List.of(N1, N2, N3))
        .config(RaftConfig.builder().electionTimeout(Duration.ofMillis(150), Duration.ofMillis(300)).build())
        .logStore(store)
        .transport((to, message) -> { })
        .randomSeed(7)
        .start(now);
    self[0] = node;
    RoleChangeLog log = new RoleChangeLog("g on n1", node);

    assertNull(log.observe(node, now), "nothing changed");
    assertEquals(List.of("pre-vote for term 1: election timeout, no leader known in term 0"),
        step(node, log, 301 * MS));

    node.receive(new AppendEntries(1, N2, 0, 0, List.of(), 0));
    settle(node);
    assertEquals("follows term 1 (leader n2), was pre-candidate of term 0", log.observe(node, now));
    assertEquals(List.of(), step(node, log, 100 * MS), "a quiet follower is not news before its timeout");
    List<String> lines = step(node, log, 300 * MS);
    Matcher campaign = Pattern.compile("pre-vote for term 2: election timeout, nothing heard from leader n2 of term 1 "
        + "for (\\d+) ms").matcher(lines.get(0));
    assertTrue(campaign.matches(), lines.get(0));
    long silentMillis = Long.parseLong(campaign.group(1));
    assertTrue(silentMillis >= 150 && silentMillis <= 310,
        "the silence since the last AppendEntries, which is the election timeout drawn from [150, 300] ms to within "
            + "a tick: " + silentMillis);

    node.receive(new PreVoteResponse(2, N3, true));
    settle(node);
    assertEquals("campaigning for term 2: a majority granted the pre-vote", log.observe(node, now));
    node.receive(new RequestVoteResponse(2, N3, true));
    settle(node);
    assertEquals("leads term 2", log.observe(node, now));

    lines = step(node, log, 400 * MS); // no follower answers: CheckQuorum deposes it
    assertEquals("stepped down in term 2: CheckQuorum: no quorum of voters [n1, n2, n3] was heard from within the "
        + "minimum election timeout, 150 ms", lines.get(0));
  }

  /**
   * Moves the clock on by {@code nanos} in 10 ms ticks, syncing the store and observing after each
   * tick as the event loop does after each burst; returns the lines logged.
   */
  private List<String> step(RaftNode<String> node, RoleChangeLog log, long nanos) {
    List<String> lines = new ArrayList<>();
    long end = now + nanos;
    while (now < end) {
      now = Math.min(end, now + 10 * MS);
      node.tick(now);
      settle(node);
      String line = log.observe(node, now);
      if (line != null) {
        lines.add(line);
      }
    }
    return lines;
  }

  private void settle(RaftNode<String> node) {
    store.reportAllDurable();
  }
}

package io.keel.transport.netty;

import static io.keel.transport.netty.NettyCluster.awaitLeader;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.runtime.RaftGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole clusters in one JVM over loopback TCP, with the file log. */
class NettyClusterTest {

  private static final GroupId GROUP = GroupId.of("kv");

  @TempDir Path dir;
  private NettyCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Map<NodeId, Recorder> recorders() {
    Map<NodeId, Recorder> recorders = new HashMap<>();
    for (NodeId node : cluster.nodes) {
      recorders.put(node, new Recorder());
    }
    return recorders;
  }

  private static void proposeAll(RaftGroup<String> leader, String prefix, int count) throws Exception {
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      results.add(leader.propose((prefix + i).getBytes(UTF_8)));
    }
    for (int i = 0; i < count; i++) {
      assertEquals(prefix + i, results.get(i).get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void three_nodes_elect_replicate_and_a_restarted_follower_catches_up_from_its_directory() throws Exception {
    cluster = new NettyCluster(dir, 3);
    Map<NodeId, Recorder> recorders = recorders();
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, recorders::get);
    RaftGroup<String> leader = awaitLeader(group.values());
    proposeAll(leader, "a", 500);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorders.values().stream().allMatch(r -> r.size() == 500));

    NodeId follower = cluster.nodes.stream().filter(n -> !n.equals(leader.node())).findFirst().orElseThrow();
    cluster.crash(follower);
    proposeAll(leader, "b", 300); // a majority remains
    cluster.restart(follower);
    Recorder restarted = new Recorder();
    cluster.startGroup(follower, GROUP, restarted);
    await().atMost(Duration.ofSeconds(15)).until(() -> restarted.size() == 800);
    assertEquals(recorders.get(leader.node()).applied(), restarted.applied());
    assertTrue(cluster.transports.get(leader.node()).isConnected(follower));
  }

  @Test
  void five_nodes_elect_a_new_leader_after_the_leader_crashes_and_keep_every_committed_command() throws Exception {
    cluster = new NettyCluster(dir, 5);
    Map<NodeId, Recorder> recorders = recorders();
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, recorders::get);
    RaftGroup<String> leader = awaitLeader(group.values());
    proposeAll(leader, "x", 200);

    long oldTerm = leader.status().term();
    long crashedAt = System.nanoTime();
    cluster.crash(leader.node());
    Map<NodeId, RaftGroup<String>> survivors = new HashMap<>(group);
    survivors.remove(leader.node());
    RaftGroup<String> next = awaitLeader(survivors.values());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt);
    System.out.printf("five nodes: a new leader (%s) %d ms after the leader crashed%n", next.node(), millis);
    assertTrue(next.status().term() > oldTerm);

    proposeAll(next, "y", 200);
    Recorder survivor = recorders.get(next.node());
    List<String> applied = survivor.applied();
    assertEquals(400, applied.size());
    for (int i = 0; i < 200; i++) {
      assertEquals("x" + i, applied.get(i), "a command committed under the old leader was lost");
    }
  }

  @Test
  void a_leader_cut_off_by_closing_its_channels_is_replaced_and_rejoins_as_a_follower() throws Exception {
    cluster = new NettyCluster(dir, 3);
    Map<NodeId, Recorder> recorders = recorders();
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, recorders::get);
    RaftGroup<String> leader = awaitLeader(group.values());
    proposeAll(leader, "p", 50);
    long term = leader.status().term();

    cluster.transports.get(leader.node()).setCutOff(true);
    Map<NodeId, RaftGroup<String>> others = new HashMap<>(group);
    others.remove(leader.node());
    RaftGroup<String> next = awaitLeader(others.values());
    assertTrue(next.status().term() > term);
    // CheckQuorum: the old leader, hearing from nobody, steps down by itself.
    await().atMost(Duration.ofSeconds(5)).until(() -> !leader.status().isLeader());
    proposeAll(next, "q", 50);

    cluster.transports.get(leader.node()).setCutOff(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorders.get(leader.node()).size() == 100);
    assertEquals(recorders.get(next.node()).applied(), recorders.get(leader.node()).applied());
    assertEquals(next.node(), leader.status().leader().orElseThrow());
  }

  @Test
  void many_groups_share_one_connection_per_pair_of_nodes() throws Exception {
    cluster = new NettyCluster(dir, 3);
    List<Map<NodeId, RaftGroup<String>>> groups = new ArrayList<>();
    List<Map<NodeId, Recorder>> recorders = new ArrayList<>();
    for (int g = 0; g < 4; g++) {
      Map<NodeId, Recorder> machines = recorders();
      recorders.add(machines);
      groups.add(cluster.startEverywhere(GroupId.of("shard-" + g), machines::get));
    }
    for (int g = 0; g < groups.size(); g++) {
      proposeAll(awaitLeader(groups.get(g).values()), "s" + g + "-", 100);
    }
    for (int g = 0; g < groups.size(); g++) {
      String prefix = "s" + g + "-";
      Map<NodeId, Recorder> machines = recorders.get(g);
      await().atMost(Duration.ofSeconds(10)).until(() -> machines.values().stream().allMatch(r -> r.size() == 100));
      assertTrue(machines.values().stream().allMatch(r -> r.applied().stream().allMatch(c -> c.startsWith(prefix))));
    }
    for (NodeId node : cluster.nodes) {
      List<PeerStats> peers = cluster.transports.get(node).stats().peers();
      for (PeerStats peer : peers) {
        assertEquals(1, peer.connections(), node + " opened more than one connection to " + peer.peer());
        assertEquals(0, peer.droppedQueueFull());
      }
      // Two followers of every group exchange no message once the elections are over, so only some
      // pair of each node's carries traffic both ways for sure: the one to a leader.
      assertTrue(peers.stream().anyMatch(peer -> peer.messagesIn() > 0 && peer.messagesOut() > 0),
          node + " exchanged no message with any peer: " + peers);
    }
  }
}

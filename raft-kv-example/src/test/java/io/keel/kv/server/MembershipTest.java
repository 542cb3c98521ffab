package io.keel.kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing a node through the admin commands: a joining node is added to every group, the old one removed. */
class MembershipTest {

  @Test
  void a_new_node_joins_every_group_and_the_old_one_leaves(@TempDir Path dir) throws Exception {
    try (KvCluster cluster = new KvCluster(dir, 3, 2, builder -> builder)) {
      cluster.awaitReady(Duration.ofSeconds(30));
      try (RespClient client = cluster.client(0)) {
        for (int i = 0; i < 50; i++) {
          assertEquals(RespReply.OK, client.send("SET", "before" + i, "v" + i).get(30, TimeUnit.SECONDS));
        }
        int joining = cluster.startJoining(builder -> builder);
        RespReply added = client.send("KEEL.ADDNODE", "n4", cluster.raftAddress(joining)).get(120, TimeUnit.SECONDS);
        assertEquals(RespReply.OK, added);
        for (ShardReplica replica : cluster.node(0).service().replicas()) {
          assertEquals(voters("n1", "n2", "n3", "n4"), replica.group().configuration().voters());
        }
        RespReply removed = client.send("KEEL.REMOVENODE", "n3").get(120, TimeUnit.SECONDS);
        assertEquals(RespReply.OK, removed);
      }
      cluster.stop(2);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(3).announced().isDone());
      try (RespClient fresh = cluster.client(3)) {
        assertEquals(RespReply.bulk("v49"), fresh.send("GET", "before49").get(30, TimeUnit.SECONDS),
            "the new node serves what was written before it joined");
        assertEquals(RespReply.OK, fresh.send("SET", "after", "yes").get(30, TimeUnit.SECONDS));
        RespReply leaders = fresh.send("KEEL.LEADERS").get(10, TimeUnit.SECONDS);
        assertTrue(leaders.toString().contains("kv-0 n") && !leaders.toString().contains("n3"), leaders::toString);
      }
      for (ShardReplica replica : cluster.node(3).service().replicas()) {
        Configuration configuration = replica.group().configuration();
        assertEquals(voters("n1", "n2", "n4"), configuration.voters());
      }
    }
  }

  @Test
  void a_removed_node_that_kept_running_is_added_back_with_its_data(@TempDir Path dir) throws Exception {
    try (KvCluster cluster = new KvCluster(dir, 3, 2, builder -> builder)) {
      cluster.awaitReady(Duration.ofSeconds(30));
      try (RespClient client = cluster.client(0)) {
        for (int i = 0; i < 20; i++) {
          assertEquals(RespReply.OK, client.send("SET", "k" + i, "v" + i).get(30, TimeUnit.SECONDS));
        }
        assertEquals(RespReply.OK, client.send("KEEL.REMOVENODE", "n3").get(120, TimeUnit.SECONDS));
        for (int i = 20; i < 40; i++) {
          assertEquals(RespReply.OK, client.send("SET", "k" + i, "v" + i).get(30, TimeUnit.SECONDS));
        }
        RespReply added = client.send("KEEL.ADDNODE", "n3", cluster.raftAddress(2)).get(120, TimeUnit.SECONDS);
        assertEquals(RespReply.OK, added);
        for (ShardReplica replica : cluster.node(0).service().replicas()) {
          assertEquals(voters("n1", "n2", "n3"), replica.group().configuration().voters());
        }
      }
      try (RespClient back = cluster.client(2)) {
        assertEquals(RespReply.OK, back.send("KEEL.READS", "local").get(10, TimeUnit.SECONDS));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
            RespReply.bulk("v39").equals(back.send("GET", "k39").get(10, TimeUnit.SECONDS)));
      }
    }
  }

  private static Set<NodeId> voters(String... names) {
    Set<NodeId> voters = new TreeSet<>();
    for (String name : names) {
      voters.add(NodeId.of(name));
    }
    return voters;
  }
}

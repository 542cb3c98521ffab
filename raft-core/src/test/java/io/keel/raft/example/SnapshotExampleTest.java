package io.keel.raft.example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.PeerNetwork;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.runtime.RaftRuntime;
import io.keel.raft.snapshot.SnapshotPolicy;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.raft.storage.file.FileSnapshotStoreOptions;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of docs/snapshots.md, through the public API only: a key-value map with a real
 * snapshot and restore, replicated by three in-process runtimes on the file log and the file
 * snapshot store; a follower cut off while the leader snapshots and compacts its log catches up by
 * snapshot once it is back. {@link DocSnippetsTest} checks that the doc shows exactly the regions
 * marked here.
 */
class SnapshotExampleTest {

  // region state-machine
  /**
   * A replicated map of strings. A command is {@code key=value} in UTF-8; applying it sets the
   * key and returns the value it replaced, or null.
   */
  static final class KeyValueStore implements StateMachine<String> {
    private final Map<String, String> entries = new HashMap<>();
    private int restores;

    @Override
    public synchronized String apply(long index, byte[] command) {
      String text = new String(command, UTF_8);
      int equals = text.indexOf('=');
      if (equals < 0) {
        // A deterministic refusal: the proposer's future fails with it, on every replica alike.
        throw new IllegalArgumentException("not key=value: " + text);
      }
      return entries.put(text.substring(0, equals), text.substring(equals + 1));
    }

    /**
     * The point-in-time view: a copy of the map, taken on the apply thread between two applies.
     * Keys and values are immutable, so copying the map copies the state; the copy is sorted, so
     * every replica writes the same state as the same bytes. Keel writes it out later, on its
     * snapshot thread, while applying goes on.
     */
    @Override
    public synchronized StateMachineSnapshot snapshot() {
      Map<String, String> copy = new TreeMap<>(entries);
      return out -> {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
        data.writeInt(copy.size());
        for (Map.Entry<String, String> entry : copy.entrySet()) {
          data.writeUTF(entry.getKey());
          data.writeUTF(entry.getValue());
        }
        data.flush();
      };
    }

    /** Replaces the whole state with the snapshot's, which stands for every entry up to {@code lastIndex}. */
    @Override
    public synchronized void restore(long lastIndex, InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(new BufferedInputStream(in));
      Map<String, String> restored = new HashMap<>();
      for (int count = data.readInt(); count > 0; count--) {
        restored.put(data.readUTF(), data.readUTF());
      }
      if (data.read() != -1) { // reading to the end also has Keel's stream check the payload's CRC
        throw new IOException("bytes after the last key of the snapshot at " + lastIndex);
      }
      entries.clear();
      entries.putAll(restored);
      restores++;
    }

    synchronized Map<String, String> contents() {
      return new TreeMap<>(entries);
    }

    synchronized int restores() {
      return restores;
    }
  }
  // endregion

  // region network
  /** Three runtimes in one process, and the network between them, which can cut a node off. */
  static final class Cluster implements AutoCloseable {
    final Map<NodeId, RaftRuntime> runtimes = new ConcurrentHashMap<>();
    final Set<NodeId> cut = ConcurrentHashMap.newKeySet();

    RaftRuntime start(NodeId node) {
      RaftRuntime runtime = RaftRuntime.builder(node).build();
      runtimes.put(node, runtime);
      return runtime;
    }

    /** The network as {@code from} sees it: a message to or from a cut node is lost. */
    PeerNetwork endpoint(NodeId from) {
      return (group, to, message) -> {
        RaftRuntime receiver = runtimes.get(to);
        if (receiver != null && !cut.contains(from) && !cut.contains(to)) {
          receiver.receive(group, message);
        }
      };
    }

    @Override
    public void close() {
      runtimes.values().forEach(RaftRuntime::close);
    }
  }
  // endregion

  @Test
  void a_follower_cut_off_while_the_leader_compacts_its_log_catches_up_by_snapshot(@TempDir Path dir)
      throws Exception {
    // region catch-up
    RaftConfig config = RaftConfig.builder()
        .electionTimeout(Duration.ofMillis(250), Duration.ofMillis(500)) // room for a loaded test machine
        .snapshotTrailingEntries(10)   // compaction keeps 10 entries behind each snapshot
        .snapshotChunkBytes(64)        // tiny chunks, so that the transfer takes many
        .maxInflightSnapshotChunks(4)
        .build();
    SnapshotPolicy every100Entries = new SnapshotPolicy(100, Long.MAX_VALUE);
    GroupId group = GroupId.of("kv");
    List<NodeId> voters = List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));
    Map<NodeId, KeyValueStore> stores = new HashMap<>();
    Map<NodeId, RaftGroup<String>> replicas = new HashMap<>();
    try (Cluster cluster = new Cluster()) {
      for (NodeId node : voters) {
        stores.put(node, new KeyValueStore());
        replicas.put(node, cluster.start(node).startGroup(GroupOptions.<String>builder(group)
            .voters(voters)
            .config(config)
            .fileLog(dir.resolve(node + "-log"), FileLogStoreOptions.defaults())
            .fileSnapshots(dir.resolve(node + "-snapshots"), FileSnapshotStoreOptions.defaults(), every100Entries)
            .stateMachine(stores.get(node))
            .network(cluster.endpoint(node))
            .build()));
      }
      NodeId leaderId = replicas.get(voters.get(0)).awaitLeader(Duration.ofSeconds(10)).get(10, SECONDS);
      RaftGroup<String> leader = replicas.get(leaderId);
      NodeId behind = voters.stream().filter(node -> !node.equals(leaderId)).findFirst().orElseThrow();

      cluster.cut.add(behind); // it misses all that follows
      for (int i = 0; i < 150; i++) {
        leader.propose(("key" + i % 50 + "=" + i).getBytes(UTF_8)).get(5, SECONDS);
      }
      // After 100 entries the leader took a snapshot, and compacted its log to 10 entries behind it.
      await().atMost(Duration.ofSeconds(10)).until(() -> leader.latestSnapshot().isPresent());

      cluster.cut.remove(behind); // back: what it lacks is in no log any more, so it gets the snapshot
      await().atMost(Duration.ofSeconds(20))
          .until(() -> stores.get(behind).contents().equals(stores.get(leaderId).contents()));
      assertEquals(1, stores.get(behind).restores(), "restored once, from the leader's snapshot");
      assertEquals("149", stores.get(behind).contents().get("key49"));

      leader.propose("key0=after".getBytes(UTF_8)).get(5, SECONDS); // and from there on, by log
      await().atMost(Duration.ofSeconds(10)).until(() -> "after".equals(stores.get(behind).contents().get("key0")));
    }
    // endregion
  }
}

package io.keel.raft.example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.example.MembershipExampleTest.Journal;
import io.keel.raft.example.MembershipExampleTest.Network;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.session.ClientSession;
import io.keel.raft.session.ResultCodec;
import io.keel.raft.session.SessionLimits;
import io.keel.raft.session.SessionStateMachine;
import io.keel.raft.storage.file.FileLogStoreOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of docs/sessions.md, through the public API only: a client of a three-node group
 * registers a session, and a command whose leader died before answering is retried on the next
 * leader and applied exactly once. {@link DocSnippetsTest} checks that the doc shows the regions.
 */
class SessionExampleTest {

  private static final GroupId GROUP = GroupId.of("orders");
  private static final RaftConfig CONFIG = RaftConfig.builder()
      .electionTimeout(Duration.ofMillis(250), Duration.ofMillis(500)).build();
  private static final List<NodeId> NODES = List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));

  @TempDir Path dir;
  private final Network network = new Network();
  private final Map<NodeId, Journal> journals = new ConcurrentHashMap<>();
  private final Map<NodeId, RaftGroup<Integer>> replicas = new ConcurrentHashMap<>();

  @AfterEach
  void close() {
    network.close();
  }

  @Test
  void a_command_retried_after_its_leader_died_is_applied_once() throws Exception {
    for (NodeId node : NODES) {
      Journal journal = journals.computeIfAbsent(node, any -> new Journal());
      // region state-machine
      // Every replica wraps its state machine: the session table is replicated with it, and kept in its snapshots.
      SessionStateMachine<Integer> replicated = new SessionStateMachine<>(journal, INTEGERS, SessionLimits.DEFAULTS);
      // endregion
      replicas.put(node, network.start(node).startGroup(GroupOptions.<Integer>builder(GROUP)
          .voters(NODES).config(CONFIG).fileLog(dir.resolve(node.value()), FileLogStoreOptions.defaults())
          .stateMachine(replicated).network(network.endpoint(node)).build()));
    }
    RaftGroup<Integer> leader = awaitOneLeader();

    // region register
    // A client id must be unique among the group's clients: draw it at random.
    ClientSession session = new ClientSession(new SecureRandom().nextLong() | 1, System::currentTimeMillis);
    leader.propose(session.register()).get(10, SECONDS);
    ClientSession.Command first = session.command("order 1".getBytes(UTF_8));
    int line = leader.propose(first.encode()).get(10, SECONDS);
    session.answered(first);
    // endregion
    assertEquals(1, line);

    // region retry
    ClientSession.Command second = session.command("order 2".getBytes(UTF_8));
    CompletableFuture<Integer> lost = leader.propose(second.encode());
    network.kill(leader.node());                      // the leader dies: did "order 2" commit? Nobody knows.
    replicas.remove(leader.node());
    RaftGroup<Integer> next = awaitOneLeader();
    int secondLine = next.propose(second.retry()).get(10, SECONDS); // applied now, or answered as it was then
    session.answered(second);
    // endregion
    assertEquals(2, secondLine);
    for (NodeId survivor : replicas.keySet()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> journals.get(survivor).entries().size() == 2);
      assertEquals(List.of("order 1", "order 2"), journals.get(survivor).entries(), survivor + " applied each once");
    }
    lost.handle((result, failure) -> null).get(10, SECONDS); // the first attempt ended, one way or another
    assertEquals(1, Collections.frequency(journals.get(next.node()).entries(), "order 2"));
  }

  /** Results as four bytes, for the results the sessions keep in snapshots. */
  private static final ResultCodec<Integer> INTEGERS = new ResultCodec<>() {
    @Override
    public byte[] encode(Integer result) {
      return ByteBuffer.allocate(4).putInt(result).array();
    }

    @Override
    public Integer decode(byte[] bytes) {
      if (bytes.length != 4) {
        throw new IllegalArgumentException(bytes.length + " bytes, not 4");
      }
      return ByteBuffer.wrap(bytes).getInt();
    }
  };

  private RaftGroup<Integer> awaitOneLeader() {
    return await().atMost(Duration.ofSeconds(10)).until(() -> {
      List<RaftGroup<Integer>> leaders = replicas.values().stream().filter(replica -> {
        GroupStatus status = replica.status();
        return status != null && status.isLeader();
      }).toList();
      return leaders.size() == 1 ? leaders.get(0) : null;
    }, leader -> leader != null);
  }
}

package io.keel.raft.example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationChange;
import io.keel.raft.ConfigurationChangeException;
import io.keel.raft.ConfigurationChangeException.Reason;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.ReadMode;
import io.keel.raft.StateMachine;
import io.keel.raft.runtime.GroupOptions;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.runtime.PeerNetwork;
import io.keel.raft.runtime.RaftGroup;
import io.keel.raft.runtime.RaftRuntime;
import io.keel.raft.storage.file.FileLogStoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of docs/membership.md, through the public API only, on in-process runtimes and the
 * file log: three nodes found a group; a fourth, started with {@code join()}, is added as a voter,
 * takes over the leadership, and the old leader is drained; and a dead voter is replaced by a
 * learner promoted in the very change that removes the dead one. {@link DocSnippetsTest} checks
 * that the doc shows exactly the regions marked here.
 */
class MembershipExampleTest {

  private static final GroupId GROUP = GroupId.of("orders");
  private static final RaftConfig CONFIG = RaftConfig.builder()
      .electionTimeout(Duration.ofMillis(250), Duration.ofMillis(500)) // room for a loaded test machine
      .leaseReads(true) // reads.md's lease reads
      .build();
  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N2 = NodeId.of("n2");
  private static final NodeId N3 = NodeId.of("n3");
  private static final List<NodeId> FOUNDERS = List.of(N1, N2, N3);
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final Network network = new Network();
  private final Map<NodeId, Journal> journals = new ConcurrentHashMap<>();
  private final Map<NodeId, RaftGroup<Integer>> replicas = new ConcurrentHashMap<>();

  @AfterEach
  void close() {
    network.close();
  }

  @Test
  void a_new_node_joins_takes_over_the_leadership_and_the_old_leader_is_drained() throws Exception {
    found();
    RaftGroup<Integer> leader = awaitOneLeader();
    // A proposal applied: the leader has committed an entry of its term, so a change may begin at once.
    leader.propose("first".getBytes(UTF_8)).get(10, SECONDS);
    NodeId n4 = NodeId.of("n4");

    // region join
    RaftGroup<Integer> joining = network.start(n4).startGroup(GroupOptions.<Integer>builder(GROUP)
        .join()                                                 // no voters: it waits to be added, never campaigns
        .config(CONFIG)
        .fileLog(dir.resolve(n4.value()), FileLogStoreOptions.defaults())
        .stateMachine(journal(n4))
        .network(network.endpoint(n4))                        // a NettyTransport that knows the members
        .build());
    // endregion
    replicas.put(n4, joining);
    assertTrue(joining.configuration().members().isEmpty(), "it knows no members yet");

    // region add-voter
    // null: the network finds n4 by its id. Over NettyTransport, give n4's "host:port".
    Configuration grown = leader.addVoter(n4, null).get(10, SECONDS);   // once n4 caught up and C_new committed
    assertEquals(Set.of(N1, N2, N3, n4), grown.voters());
    // endregion
    await().atMost(PATIENCE).until(() -> journals.get(n4).entries().contains("first")); // it caught up by log
    await().atMost(PATIENCE).until(() -> joining.configuration().equals(grown));

    // region drain
    NodeId draining = leader.node();
    NodeId next = leader.transferLeadership(n4).get(10, SECONDS);      // or null: the most up-to-date voter
    assertEquals(n4, next);
    RaftGroup<Integer> nextLeader = replicas.get(next);
    Configuration shrunk = changeWhenReady(nextLeader, ConfigurationChange.remove(draining)).get(10, SECONDS);
    assertFalse(shrunk.isMember(draining));
    replicas.remove(draining).stop().get(10, SECONDS);                 // then retire its machine
    // endregion

    assertEquals(3, shrunk.voters().size());
    nextLeader.propose("after".getBytes(UTF_8)).get(10, SECONDS);
    for (NodeId voter : shrunk.voters()) {
      RaftGroup<Integer> group = replicas.get(voter);
      Journal journal = journals.get(voter);
      // region read
      // Runs on the group's apply thread, once the state machine has applied every write
      // committed before this call; any node may serve it.
      CompletableFuture<List<String>> entries = group.read(() -> journal.entries());
      // endregion
      assertTrue(entries.get(10, SECONDS).contains("after"), voter + " read every acknowledged write");
      // region lease-read
      // With RaftConfig.leaseReads(true): a leader within its lease serves this without a round
      // of messages; a follower asks the leader for a read index, as for any read.
      CompletableFuture<List<String>> fast = group.read(ReadMode.LEASE, () -> journal.entries());
      // endregion
      assertTrue(fast.get(10, SECONDS).contains("after"), voter + " lease-read every acknowledged write");
    }
  }

  @Test
  void a_dead_voter_is_replaced_by_a_learner_promoted_in_the_change_that_removes_it() throws Exception {
    found();
    RaftGroup<Integer> leader = awaitOneLeader();
    NodeId dead = FOUNDERS.stream().filter(node -> !node.equals(leader.node())).findFirst().orElseThrow();
    network.kill(dead); // its machine is gone: two of the three voters are left, still a majority
    replicas.remove(dead);
    NodeId n5 = NodeId.of("n5");
    replicas.put(n5, startJoining(n5));

    // region replace
    changeWhenReady(leader, ConfigurationChange.addLearner(n5, null)).get(10, SECONDS); // gets the log, no vote
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      long lag = leader.status().lag(n5);                     // entries behind; -1 if the leader has no such follower
      return lag >= 0 && lag < CONFIG.maxCatchUpLag();
    });
    Configuration replaced = changeWhenReady(leader, ConfigurationChange.builder()
        .promote(n5)
        .remove(dead)
        .build()).get(10, SECONDS);
    // endregion

    Set<NodeId> expected = new TreeSet<>(FOUNDERS);
    expected.remove(dead);
    expected.add(n5);
    assertEquals(expected, replaced.voters());
    assertTrue(replaced.learners().isEmpty());
    assertFalse(replaced.isJoint());
    leader.propose("after".getBytes(UTF_8)).get(10, SECONDS);
    await().atMost(PATIENCE).until(() -> journals.get(n5).entries().contains("after"));
  }

  // region retry
  /**
   * Asks {@code leader} for {@code change}, and asks again a little later while the answer is "not
   * now": the leader has not yet committed an entry of its term (NOT_READY), or another change or
   * a leadership transfer is under way (IN_PROGRESS). Every other failure is the caller's: INVALID
   * and NOT_CAUGHT_UP, and NotLeaderException (ask the leader it names).
   */
  static CompletableFuture<Configuration> changeWhenReady(RaftGroup<?> leader, ConfigurationChange change) {
    return changeWhenReady(leader, change, 50);
  }

  private static CompletableFuture<Configuration> changeWhenReady(RaftGroup<?> leader, ConfigurationChange change,
      int attempts) {
    return leader.changeMembership(change).exceptionallyCompose(failure -> {
      boolean notNow = failure instanceof ConfigurationChangeException refused
          && (refused.reason() == Reason.NOT_READY || refused.reason() == Reason.IN_PROGRESS);
      if (!notNow || attempts <= 1) {
        return CompletableFuture.failedFuture(failure);
      }
      Executor later = CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS);
      return CompletableFuture.supplyAsync(() -> null, later)
          .thenCompose(ignored -> changeWhenReady(leader, change, attempts - 1));
    });
  }
  // endregion

  /** Starts n1, n2 and n3, which found the group. */
  private void found() throws IOException {
    for (NodeId node : FOUNDERS) {
      replicas.put(node, network.start(node).startGroup(GroupOptions.<Integer>builder(GROUP)
          .voters(FOUNDERS)
          .config(CONFIG)
          .fileLog(dir.resolve(node.value()), FileLogStoreOptions.defaults())
          .stateMachine(journal(node))
          .network(network.endpoint(node))
          .build()));
    }
  }

  /** Starts {@code node} to join the running group, as region {@code join} does. */
  private RaftGroup<Integer> startJoining(NodeId node) throws IOException {
    return network.start(node).startGroup(GroupOptions.<Integer>builder(GROUP)
        .join()
        .config(CONFIG)
        .fileLog(dir.resolve(node.value()), FileLogStoreOptions.defaults())
        .stateMachine(journal(node))
        .network(network.endpoint(node))
        .build());
  }

  /** Waits until exactly one replica leads, and returns it. */
  private RaftGroup<Integer> awaitOneLeader() {
    await().atMost(PATIENCE).until(() -> leaders().size() == 1);
    return leaders().get(0);
  }

  private List<RaftGroup<Integer>> leaders() {
    List<RaftGroup<Integer>> leaders = new ArrayList<>();
    for (RaftGroup<Integer> replica : replicas.values()) {
      GroupStatus status = replica.status();
      if (status != null && status.isLeader()) {
        leaders.add(replica);
      }
    }
    return leaders;
  }

  private Journal journal(NodeId node) {
    return journals.computeIfAbsent(node, n -> new Journal());
  }

  /** The state machine: a journal of the commands applied, in order; a command's result is its line number. */
  static final class Journal implements StateMachine<Integer> {
    private final List<String> entries = new ArrayList<>();

    @Override
    public synchronized Integer apply(long index, byte[] command) {
      entries.add(new String(command, UTF_8));
      return entries.size();
    }

    synchronized List<String> entries() {
      return List.copyOf(entries);
    }
  }

  /** Runtimes in one process and the network between them; a killed node's runtime is closed and its messages lost. */
  static final class Network implements AutoCloseable {
    private final Map<NodeId, RaftRuntime> runtimes = new ConcurrentHashMap<>();

    RaftRuntime start(NodeId node) {
      RaftRuntime runtime = RaftRuntime.builder(node).build();
      runtimes.put(node, runtime);
      return runtime;
    }

    /** The network as {@code from} sees it: every running node, by its id. */
    PeerNetwork endpoint(NodeId from) {
      return (group, to, message) -> {
        RaftRuntime receiver = runtimes.get(to);
        if (receiver != null && runtimes.containsKey(from)) {
          receiver.receive(group, message);
        }
      };
    }

    /** The machine of {@code node} is gone. */
    void kill(NodeId node) {
      RaftRuntime runtime = runtimes.remove(node);
      if (runtime != null) {
        runtime.close();
      }
    }

    @Override
    public void close() {
      runtimes.values().forEach(RaftRuntime::close);
    }
  }
}

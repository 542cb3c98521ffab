package io.keel.raft.runtime;

import static io.keel.raft.runtime.RuntimeCluster.awaitLeader;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.NodeStoppedException;
import io.keel.raft.NotLeaderException;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.TooManyPendingProposalsException;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.storage.file.FileLogStore;
import io.keel.raft.storage.file.FileLogStoreOptions;
import io.keel.raft.protocol.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftRuntimeTest {

  private static final GroupId GROUP = GroupId.of("g");

  @TempDir Path dir;
  private RuntimeCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Map<NodeId, RecordingStateMachine> machines(int size) {
    Map<NodeId, RecordingStateMachine> machines = new HashMap<>();
    for (int i = 1; i <= size; i++) {
      machines.put(NodeId.of("n" + i), new RecordingStateMachine());
    }
    return machines;
  }

  @Test
  void three_nodes_elect_a_leader_and_apply_every_command_in_the_same_order_everywhere() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RecordingStateMachine> machines = machines(3);
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, machines::get);
    RaftGroup<String> leader = awaitLeader(group);

    List<CompletableFuture<String>> results = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      expected.add("c" + i);
      results.add(leader.propose(("c" + i).getBytes(UTF_8)));
    }
    for (int i = 0; i < results.size(); i++) {
      assertEquals("c" + i, results.get(i).get(10, TimeUnit.SECONDS));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> machines.values().stream().allMatch(m -> m.size() == 2000));
    for (RecordingStateMachine machine : machines.values()) {
      assertEquals(expected, machine.applied());
    }
    GroupStatus status = leader.status();
    assertEquals(Role.LEADER, status.role());
    assertEquals(2, status.matchIndexes().size());
    await().atMost(Duration.ofSeconds(5)).until(() -> leader.status().appliedIndex() == leader.status().commitIndex()
        && leader.status().matchIndexes().values().stream().allMatch(m -> m == leader.status().lastLogIndex()));
    for (NodeId peer : leader.status().matchIndexes().keySet()) {
      assertEquals(0, leader.status().lag(peer));
    }
  }

  @Test
  void callbacks_that_propose_from_the_apply_thread_keep_a_closed_loop_going() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RecordingStateMachine> machines = machines(3);
    RaftGroup<String> leader = awaitLeader(cluster.startEverywhere(GROUP, machines::get));
    int chains = 8;
    int length = 100;
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int chain = 0; chain < chains; chain++) {
      CompletableFuture<Void> finished = new CompletableFuture<>();
      done.add(finished);
      proposeChain(leader, chain, 0, length, finished);
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> machines.values().stream().allMatch(m -> m.size() == chains * length));
    List<String> applied = machines.get(leader.node()).applied();
    for (int chain = 0; chain < chains; chain++) {
      String prefix = "chain" + chain + "-";
      List<String> ofChain = applied.stream().filter(c -> c.startsWith(prefix)).toList();
      for (int i = 0; i < length; i++) {
        assertEquals(prefix + i, ofChain.get(i), "each chain's commands apply in the order they were proposed");
      }
    }
  }

  /** Proposes link {@code i} of a chain; its callback, on the apply thread, proposes the next. */
  private static void proposeChain(RaftGroup<String> leader, int chain, int i, int length, CompletableFuture<Void> finished) {
    leader.propose(("chain" + chain + "-" + i).getBytes(UTF_8)).whenComplete((result, error) -> {
      if (error != null) {
        finished.completeExceptionally(error);
      } else if (i + 1 == length) {
        finished.complete(null);
      } else {
        proposeChain(leader, chain, i + 1, length, finished);
      }
    });
  }

  @Test
  void forged_messages_are_refused_and_reported_and_stop_no_node() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, node -> new RecordingStateMachine());
    RaftGroup<String> leader = awaitLeader(group);
    assertEquals("before", leader.propose("before".getBytes(UTF_8)).get(10, TimeUnit.SECONDS));
    long term = leader.status().term();
    NodeId follower = cluster.nodes.stream().filter(n -> !n.equals(leader.node())).findFirst().orElseThrow();
    NodeId other = cluster.nodes.stream().filter(n -> !n.equals(leader.node()) && !n.equals(follower))
        .findFirst().orElseThrow();
    await().until(() -> group.get(follower).status().leader().isPresent());

    // A second leader in the term, to a follower; an acknowledgement of an index never sent, to the leader.
    cluster.runtimes.get(follower).receive(GROUP, new AppendEntries(term, other, 0, 0, List.of(), 0));
    cluster.runtimes.get(leader.node()).receive(GROUP,
        AppendEntriesResponse.accepted(term, follower, 1_000_000_000_000L));

    await().until(() -> cluster.network.impossibleReports.size() == 2);
    assertTrue(cluster.network.impossibleReports.stream().anyMatch(r -> r.startsWith(follower + ": ")
        && r.contains(other + ": a second leader")), cluster.network.impossibleReports.toString());
    assertTrue(cluster.network.impossibleReports.stream().anyMatch(r -> r.startsWith(leader.node() + ": ")
        && r.contains(follower + ": acknowledged index 1000000000000")), cluster.network.impossibleReports.toString());
    assertEquals(1, group.get(follower).status().impossibleMessages());
    assertEquals(1, leader.status().impossibleMessages());
    assertEquals("after", leader.propose("after".getBytes(UTF_8)).get(10, TimeUnit.SECONDS),
        "the cluster keeps committing");
    for (RaftGroup<String> member : group.values()) {
      assertTrue(member.status().failure().isEmpty(), member.status().toString());
      assertEquals(term, member.status().term(), "no election followed");
    }
  }

  @Test
  void a_follower_refuses_proposals_and_names_the_leader() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, node -> new RecordingStateMachine());
    RaftGroup<String> leader = awaitLeader(group);
    RaftGroup<String> follower = group.values().stream().filter(g -> g != leader).findFirst().orElseThrow();
    await().until(() -> follower.status().leader().isPresent());

    ExecutionException refused =
        assertThrows(ExecutionException.class, () -> follower.propose(new byte[] {1}).get(5, TimeUnit.SECONDS));
    NotLeaderException notLeader = assertInstanceOf(NotLeaderException.class, refused.getCause());
    assertEquals(leader.node(), notLeader.leader().orElseThrow());
  }

  @Test
  void futures_and_the_state_machine_run_off_the_event_thread() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    AtomicReference<String> applyThread = new AtomicReference<>();
    // The command waits until the test has attached its callback: a callback attached to a future
    // that has already completed runs on the attaching thread, which would prove nothing.
    CountDownLatch callbackAttached = new CountDownLatch(1);
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, node -> (index, command) -> {
      awaitLatch(callbackAttached);
      applyThread.set(Thread.currentThread().getName());
      return "ok";
    });
    RaftGroup<String> leader = awaitLeader(group);
    AtomicReference<String> callbackThread = new AtomicReference<>();
    CompletableFuture<Void> callback =
        leader.propose(new byte[] {1}).thenRun(() -> callbackThread.set(Thread.currentThread().getName()));
    callbackAttached.countDown();
    callback.get(5, TimeUnit.SECONDS);
    assertTrue(callbackThread.get().contains("-apply-"), callbackThread.get());
    assertTrue(applyThread.get().contains("-apply-"), applyThread.get());

    RaftGroup<String> follower = group.values().stream().filter(g -> g != leader).findFirst().orElseThrow();
    AtomicReference<String> failureThread = new AtomicReference<>();
    follower.propose(new byte[] {2}).whenComplete((r, e) -> failureThread.set(Thread.currentThread().getName()));
    await().until(() -> failureThread.get() != null);
    assertFalse(failureThread.get().contains("-event-"), failureThread.get());
  }

  @Test
  void a_stalled_state_machine_and_a_blocking_callback_do_not_stall_heartbeats() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    CountDownLatch release = new CountDownLatch(1);
    Map<NodeId, StateMachine<String>> machines = new HashMap<>();
    for (NodeId node : cluster.nodes) {
      machines.put(node, (index, command) -> {
        if (command[0] == 9) {
          awaitLatch(release); // every replica stalls on this command
        }
        return "ok";
      });
    }
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, machines::get);
    RaftGroup<String> leader = awaitLeader(group);
    long term = leader.status().term();
    long commitBefore = leader.status().commitIndex(); // before proposing: some may commit at once

    CompletableFuture<String> stalled = leader.propose(new byte[] {9});
    // A callback that blocks the leader's apply thread too, once the stall is over.
    CountDownLatch callbackRelease = new CountDownLatch(1);
    CompletableFuture<String> blockedCallback = leader.propose(new byte[] {1});
    blockedCallback.thenRun(() -> awaitLatch(callbackRelease));
    List<CompletableFuture<String>> later = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      later.add(leader.propose(new byte[] {2}));
    }
    // The commands commit but none applies; then the leader sends its followers enough heartbeats
    // to span three of the longest election timeouts, and nobody campaigns meanwhile.
    await().atMost(Duration.ofSeconds(5)).until(() -> leader.status().commitIndex() >= commitBefore + 52);
    long beats = 3 * RuntimeCluster.CONFIG.electionTimeoutMax().toMillis()
        / RuntimeCluster.CONFIG.heartbeatInterval().toMillis();
    long appendsBefore = cluster.network.appendsDelivered.sum();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> cluster.network.appendsDelivered.sum() >= appendsBefore + 2 * beats);
    assertFalse(stalled.isDone());
    for (RaftGroup<String> member : group.values()) {
      assertEquals(term, member.status().term(), member + " changed term while the state machine stalled");
    }
    assertTrue(leader.status().isLeader());

    release.countDown();
    assertEquals("ok", stalled.get(5, TimeUnit.SECONDS));
    await().atMost(Duration.ofSeconds(2)).until(blockedCallback::isDone);
    // The callback now blocks the leader's apply thread; commits go on regardless.
    long commitDuringCallback = leader.status().commitIndex();
    CompletableFuture<String> more = leader.propose(new byte[] {3});
    await().atMost(Duration.ofSeconds(5)).until(() -> leader.status().commitIndex() > commitDuringCallback);
    assertFalse(more.isDone(), "applies wait behind the blocked callback");
    assertEquals(term, leader.status().term());
    callbackRelease.countDown();
    assertEquals("ok", more.get(5, TimeUnit.SECONDS));
    for (CompletableFuture<String> future : later) {
      assertEquals("ok", future.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void too_many_outstanding_proposals_are_refused_at_once() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    CountDownLatch release = new CountDownLatch(1);
    RaftConfig config = RaftConfig.builder().maxPendingProposals(10).build();
    Map<NodeId, RaftGroup<String>> group = new HashMap<>();
    for (NodeId node : cluster.nodes) {
      group.put(node, cluster.start(node, GROUP, (index, command) -> {
        awaitLatch(release);
        return "ok";
      }, config));
    }
    RaftGroup<String> leader = awaitLeader(group);
    List<CompletableFuture<String>> accepted = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      accepted.add(leader.propose(new byte[] {1}));
    }
    CompletableFuture<String> refused = leader.propose(new byte[] {1});
    ExecutionException failure = assertThrows(ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
    assertInstanceOf(TooManyPendingProposalsException.class, failure.getCause());
    release.countDown();
    for (CompletableFuture<String> future : accepted) {
      assertEquals("ok", future.get(5, TimeUnit.SECONDS));
    }
    assertEquals("ok", leader.propose(new byte[] {1}).get(5, TimeUnit.SECONDS));
  }

  @Test
  void every_replica_can_wait_for_the_leader_then_propose_there() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, node -> new RecordingStateMachine());
    Map<NodeId, NodeId> seen = new HashMap<>();
    for (RaftGroup<String> replica : group.values()) {
      seen.put(replica.node(), replica.awaitLeader(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS));
    }
    NodeId leader = seen.values().iterator().next();
    assertEquals(Set.of(leader), Set.copyOf(seen.values()), "all replicas name one leader: " + seen);
    assertEquals("x", group.get(leader).propose("x".getBytes(UTF_8)).get(5, TimeUnit.SECONDS));

    group.get(leader).stop().get(5, TimeUnit.SECONDS);
    ExecutionException stopped = assertThrows(ExecutionException.class,
        () -> group.get(leader).awaitLeader(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS));
    assertInstanceOf(NodeStoppedException.class, stopped.getCause());
  }

  @Test
  void waiting_for_a_leader_that_cannot_be_elected_times_out() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    // One replica of three alone can never elect a leader.
    RaftGroup<String> alone = cluster.start(cluster.nodes.get(0), GROUP, new RecordingStateMachine(), RuntimeCluster.CONFIG);
    ExecutionException timedOut = assertThrows(ExecutionException.class,
        () -> alone.awaitLeader(Duration.ofMillis(700)).get(5, TimeUnit.SECONDS));
    assertInstanceOf(java.util.concurrent.TimeoutException.class, timedOut.getCause());
  }

  @Test
  void a_command_above_max_command_bytes_is_refused_at_once_and_a_bad_bound_is_named() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    RaftGroup<String> leader = awaitLeader(cluster.startEverywhere(GROUP, node -> new RecordingStateMachine()));
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> leader.propose(new byte[GroupOptions.DEFAULT_MAX_COMMAND_BYTES + 1]).get(1, TimeUnit.SECONDS));
    IllegalArgumentException tooBig = assertInstanceOf(IllegalArgumentException.class, refused.getCause());
    assertTrue(tooBig.getMessage().contains("exceeds maxCommandBytes (8388608)"), tooBig.getMessage());
    assertEquals(GroupOptions.DEFAULT_MAX_COMMAND_BYTES,
        leader.propose(new byte[GroupOptions.DEFAULT_MAX_COMMAND_BYTES]).get(10, TimeUnit.SECONDS).length());
    IllegalArgumentException bound = assertThrows(IllegalArgumentException.class,
        () -> GroupOptions.<String>builder(GROUP).maxCommandBytes(0));
    assertEquals("maxCommandBytes must be in [1, 1073741824], got 0", bound.getMessage());
    IllegalArgumentException beyondLog = assertThrows(IllegalArgumentException.class,
        () -> GroupOptions.<String>builder(GROUP).voters(cluster.nodes)
            .fileLog(dir.resolve("large"), FileLogStoreOptions.defaults())
            .stateMachine(new RecordingStateMachine()).network((group, to, message) -> { })
            .maxCommandBytes(FileLogStore.MAX_COMMAND_BYTES + 1).build());
    assertEquals("maxCommandBytes (67108865) of group g exceeds the largest command its log store holds (67108864 "
        + "bytes); lower maxCommandBytes to at most that", beyondLog.getMessage());
  }

  @Test
  void stopping_the_leader_fails_its_pending_proposals_and_the_others_elect_a_new_one() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, RaftGroup<String>> group = cluster.startEverywhere(GROUP, node -> new RecordingStateMachine());
    RaftGroup<String> leader = awaitLeader(group);
    long term = leader.status().term();
    cluster.network.cut(leader.node()); // nothing it proposes now can commit
    CompletableFuture<String> pending = leader.propose(new byte[] {1});
    leader.stop().get(5, TimeUnit.SECONDS);
    ExecutionException failure = assertThrows(ExecutionException.class, () -> pending.get(1, TimeUnit.SECONDS));
    assertInstanceOf(NodeStoppedException.class, failure.getCause());
    cluster.network.heal(leader.node());
    Map<NodeId, RaftGroup<String>> survivors = new HashMap<>(group);
    survivors.remove(leader.node());
    RaftGroup<String> next = awaitLeader(survivors);
    assertTrue(next.status().term() > term);
  }

  @Test
  void groups_share_a_runtime_and_run_independently() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    GroupId other = GroupId.of("other");
    Map<NodeId, RecordingStateMachine> first = machines(3);
    Map<NodeId, RecordingStateMachine> second = machines(3);
    Map<NodeId, RaftGroup<String>> a = cluster.startEverywhere(GROUP, first::get);
    Map<NodeId, RaftGroup<String>> b = cluster.startEverywhere(other, second::get);
    RaftGroup<String> leaderA = awaitLeader(a);
    RaftGroup<String> leaderB = awaitLeader(b);
    for (int i = 0; i < 50; i++) {
      leaderA.propose(("a" + i).getBytes(UTF_8));
      leaderB.propose(("b" + i).getBytes(UTF_8));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> first.values().stream().allMatch(m -> m.size() == 50)
        && second.values().stream().allMatch(m -> m.size() == 50));
    assertTrue(first.values().stream().allMatch(m -> m.applied().stream().allMatch(c -> c.startsWith("a"))));
    assertTrue(second.values().stream().allMatch(m -> m.applied().stream().allMatch(c -> c.startsWith("b"))));
    assertEquals(2, cluster.runtimes.get(NodeId.of("n1")).statuses().size());

    RaftRuntime runtime = cluster.runtimes.get(NodeId.of("n1"));
    long before = runtime.droppedForUnknownGroup();
    runtime.receive(GroupId.of("nowhere"), new io.keel.raft.message.PreVote(1, NodeId.of("n2"), 0, 0));
    assertEquals(before + 1, runtime.droppedForUnknownGroup());
  }

  @Test
  void a_listener_hears_of_every_role_term_and_leader_change_off_the_event_thread() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    Map<NodeId, List<GroupStatus>> heard = new java.util.concurrent.ConcurrentHashMap<>();
    List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<NodeId, RaftGroup<String>> group = new HashMap<>();
    for (NodeId node : cluster.nodes) {
      heard.put(node, new java.util.concurrent.CopyOnWriteArrayList<>());
      group.put(node, cluster.runtimes.get(node).startGroup(GroupOptions.<String>builder(GROUP)
          .voters(cluster.nodes)
          .config(RuntimeCluster.CONFIG)
          .fileLog(dir.resolve(node.value()), io.keel.raft.storage.file.FileLogStoreOptions.defaults())
          .stateMachine(new RecordingStateMachine())
          .network(cluster.network.endpoint(node))
          .listener((previous, current) -> {
            threads.add(Thread.currentThread().getName());
            heard.get(node).add(current);
          })
          .build()));
    }
    RaftGroup<String> leader = awaitLeader(group);
    await().atMost(Duration.ofSeconds(5)).until(() -> group.values().stream().allMatch(g -> {
      List<GroupStatus> changes = heard.get(g.node());
      return !changes.isEmpty() && changes.get(changes.size() - 1).leader().equals(java.util.Optional.of(leader.node()));
    }));
    List<GroupStatus> leaderChanges = heard.get(leader.node());
    assertEquals(Role.LEADER, leaderChanges.get(leaderChanges.size() - 1).role());
    assertEquals(Role.FOLLOWER, leaderChanges.get(0).role());
    assertTrue(threads.stream().allMatch(name -> name.contains("-apply-")), threads.toString());
  }

  @Test
  void start_group_rejects_a_duplicate_group_and_a_node_that_is_not_a_voter() throws Exception {
    cluster = new RuntimeCluster(dir, 3);
    NodeId n1 = NodeId.of("n1");
    cluster.start(n1, GROUP, new RecordingStateMachine(), RuntimeCluster.CONFIG);
    IllegalStateException duplicate = assertThrows(IllegalStateException.class,
        () -> cluster.start(n1, GROUP, new RecordingStateMachine(), RuntimeCluster.CONFIG));
    assertTrue(duplicate.getMessage().contains("already runs"), duplicate.getMessage());
    IllegalArgumentException notVoter = assertThrows(IllegalArgumentException.class,
        () -> cluster.runtimes.get(n1).startGroup(GroupOptions.<String>builder(GroupId.of("x"))
            .voters(List.of(NodeId.of("n2"), NodeId.of("n3")))
            .fileLog(dir.resolve("x"), io.keel.raft.storage.file.FileLogStoreOptions.defaults())
            .stateMachine(new RecordingStateMachine())
            .network(cluster.network.endpoint(n1))
            .build()));
    assertTrue(notVoter.getMessage().contains("must include this node"), notVoter.getMessage());
    NullPointerException missing = assertThrows(NullPointerException.class,
        () -> GroupOptions.<String>builder(GroupId.of("y")).voters(List.of(n1)).build());
    assertTrue(missing.getMessage().contains("logStore"), missing.getMessage());
  }

  @Test
  void start_group_lets_the_network_refuse_the_group_before_anything_is_created() throws Exception {
    NodeId n1 = NodeId.of("n1");
    Path data = dir.resolve("refused");
    PeerNetwork refusing = new PeerNetwork() {
      @Override
      public void send(GroupId group, NodeId to, io.keel.raft.message.Message message) {}

      @Override
      public void checkGroup(GroupOptions<?> options) {
        throw new IllegalArgumentException("maxBytesPerAppend (" + options.config().maxBytesPerAppend()
            + ") does not fit this network's frames");
      }
    };
    try (RaftRuntime runtime = RaftRuntime.builder(n1).build()) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> runtime.startGroup(GroupOptions.<String>builder(GROUP)
              .voters(List.of(n1))
              .fileLog(data, io.keel.raft.storage.file.FileLogStoreOptions.defaults())
              .stateMachine(new RecordingStateMachine())
              .network(refusing)
              .build()));
      assertEquals("maxBytesPerAppend (1048576) does not fit this network's frames", refused.getMessage());
      assertFalse(java.nio.file.Files.exists(data), "the refused group's directory was not created");
      assertTrue(runtime.statuses().isEmpty());
      assertTrue(runtime.group(GROUP).isEmpty());
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("latch never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

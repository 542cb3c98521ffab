package io.keel.bench.core;

import static io.keel.bench.core.DrivenNode.N1;
import static io.keel.bench.core.DrivenNode.N2;
import static io.keel.bench.core.DrivenNode.N3;

import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import io.keel.raft.RaftConfig;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The pure protocol core's replication path, with no I/O: how many AppendEntries a follower
 * handles per second, and how many commands per second a leader of three commits, when storage
 * and the network cost nothing. It bounds what any driver of {@link RaftNode} can reach on one core.
 *
 * <p>Each operation is one round of events, and the {@code events} and {@code entries} or
 * {@code commands} counters give the same run as events per second and entries per second:
 *
 * <ul>
 *   <li>{@link #followerAppend}: a follower receives an AppendEntries of {@code entriesPerAppend}
 *       100-byte commands that continues its log and commits the previous one, then its store
 *       reports the entries durable and it acknowledges them (2 events).
 *   <li>{@link #leaderCommit}: a leader proposes {@code commandsPerProposal} 100-byte commands (one
 *       AppendEntries to each follower), its store reports them durable, and both followers
 *       acknowledge them, which commits and applies them to a state machine that does nothing and
 *       completes their futures (4 events).
 * </ul>
 *
 * <p>Both operations build the messages they deliver (the follower's AppendEntries with its
 * entries, the leader's two responses), as the wire decoder would; {@link #followerBuildMessage}
 * measures the follower's share of that alone. The store is an {@code InMemoryLogStore} kept for
 * the whole trial; to keep it from growing without bound, the operation compacts its applied
 * prefix each time it exceeds {@value #COMPACT_EVERY} entries, as a snapshot would, which amortizes
 * to a few nanoseconds per entry. The clock never moves, so no timer fires during measurement.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CoreReplicationBenchmark {

  /** Applied entries the store may hold before the benchmark compacts them away. */
  static final int COMPACT_EVERY = 1 << 16;
  private static final int COMMAND_BYTES = 100;
  private static final long FOLLOWER_TERM = 1;

  /** A follower of {@code n1} in term 1, whose log already holds one entry. */
  @State(Scope.Thread)
  public static class FollowerState {

    @Param({"1", "64"})
    public int entriesPerAppend;

    DrivenNode follower;
    byte[] command;

    @Setup(Level.Trial)
    public void start() {
      command = command();
      follower = new DrivenNode(N2, new HardState(FOLLOWER_TERM, null), RaftConfig.defaults());
      follower.node.receive(new AppendEntries(FOLLOWER_TERM, N1, 0, 0,
          List.of(LogEntry.command(1, FOLLOWER_TERM, command)), 0));
      follower.sync();
      checkAcknowledged();
    }

    /** The message of the next round: entries after the follower's log, committing what it holds. */
    AppendEntries nextAppend() {
      long prevIndex = follower.node.lastLogIndex();
      List<LogEntry> entries = new ArrayList<>(entriesPerAppend);
      for (int i = 1; i <= entriesPerAppend; i++) {
        entries.add(LogEntry.command(prevIndex + i, FOLLOWER_TERM, command));
      }
      return new AppendEntries(FOLLOWER_TERM, N1, prevIndex, FOLLOWER_TERM, entries, prevIndex);
    }

    /** Fails unless the follower acknowledged its whole log, so the rounds measured did the work. */
    @TearDown(Level.Iteration)
    public void checkAcknowledged() {
      RaftNode<Object> node = follower.node;
      Message last = follower.lastSent;
      if (node.role() != Role.FOLLOWER
          || !(last instanceof AppendEntriesResponse response)
          || !response.success()
          || response.matchIndex() != node.lastLogIndex()
          || node.durableIndex() != node.lastLogIndex()) {
        throw new IllegalStateException("the follower did not acknowledge its log: " + node + ", last sent " + last);
      }
      node.checkInvariants();
    }
  }

  /** The leader {@code n1} of a three-node group, replicating optimistically to both followers. */
  @State(Scope.Thread)
  public static class LeaderState {

    @Param({"1", "64"})
    public int commandsPerProposal;

    DrivenNode leader;
    List<byte[]> commands;
    List<CompletableFuture<Object>> lastFutures = List.of();

    @Setup(Level.Trial)
    public void start() {
      commands = List.copyOf(Collections.nCopies(commandsPerProposal, command()));
      leader = new DrivenNode(N1, HardState.INITIAL, RaftConfig.defaults());
      leader.electLeader();
    }

    /** Fails unless the rounds measured committed and applied every command they proposed. */
    @TearDown(Level.Iteration)
    public void checkCommitted() {
      RaftNode<Object> node = leader.node;
      if (node.role() != Role.LEADER
          || node.lastApplied() != node.lastLogIndex()
          || node.pendingProposals() != 0
          || !lastFutures.stream().allMatch(CompletableFuture::isDone)) {
        throw new IllegalStateException("the leader did not commit what it proposed: " + node);
      }
      node.checkInvariants();
    }
  }

  /** Per-second rates of the follower benchmark beside its AppendEntries per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class FollowerRates {
    /** Entries appended. */
    public long entries;
    /** Events delivered to the node. */
    public long events;

    @Setup(Level.Iteration)
    public void reset() {
      entries = 0;
      events = 0;
    }
  }

  /** Per-second rates of the leader benchmark beside its rounds per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class LeaderRates {
    /** Commands committed and applied. */
    public long commands;
    /** Events delivered to the node. */
    public long events;

    @Setup(Level.Iteration)
    public void reset() {
      commands = 0;
      events = 0;
    }
  }

  /** One AppendEntries received, made durable, and acknowledged. */
  @Benchmark
  public Message followerAppend(FollowerState state, FollowerRates rates) {
    DrivenNode follower = state.follower;
    follower.node.receive(state.nextAppend());
    follower.sync();
    follower.compactIfAbove(COMPACT_EVERY);
    rates.entries += state.entriesPerAppend;
    rates.events += 2;
    return follower.lastSent;
  }

  /** The cost of building the follower's AppendEntries alone, to subtract from {@link #followerAppend}. */
  @Benchmark
  public AppendEntries followerBuildMessage(FollowerState state) {
    return state.nextAppend();
  }

  /** One batch of commands proposed, made durable, acknowledged by both followers, and applied. */
  @Benchmark
  public List<CompletableFuture<Object>> leaderCommit(LeaderState state, LeaderRates rates) {
    DrivenNode leader = state.leader;
    RaftNode<Object> node = leader.node;
    List<CompletableFuture<Object>> futures = node.propose(state.commands);
    leader.sync();
    long term = node.currentTerm();
    long last = node.lastLogIndex();
    node.receive(AppendEntriesResponse.accepted(term, N2, last));
    node.receive(AppendEntriesResponse.accepted(term, N3, last));
    leader.compactIfAbove(COMPACT_EVERY);
    state.lastFutures = futures;
    rates.commands += state.commandsPerProposal;
    rates.events += 4;
    return futures;
  }

  private static byte[] command() {
    byte[] command = new byte[COMMAND_BYTES];
    for (int i = 0; i < command.length; i++) {
      command[i] = (byte) i;
    }
    return command;
  }
}

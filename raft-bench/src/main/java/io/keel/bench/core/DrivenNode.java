package io.keel.bench.core;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.Message;
import io.keel.raft.message.PreVoteResponse;
import io.keel.raft.message.RequestVoteResponse;
import io.keel.raft.protocol.CommittedEntry;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import io.keel.raft.storage.InMemoryLogStore;
import java.util.List;

/**
 * One {@link RaftNode} of the group {@code n1, n2, n3} driven by hand, with no I/O and no clock: an
 * {@link InMemoryLogStore} whose writes become durable when {@link #sync()} says so, a transport
 * that only counts and remembers what the node sends, and a state machine that does nothing.
 */
final class DrivenNode {

  static final NodeId N1 = NodeId.of("n1");
  static final NodeId N2 = NodeId.of("n2");
  static final NodeId N3 = NodeId.of("n3");
  static final List<NodeId> VOTERS = List.of(N1, N2, N3);

  private static final Object RESULT = new Object();
  private static final StateMachine<Object> STATE_MACHINE = (index, command) -> RESULT;

  final InMemoryLogStore store;
  final RaftNode<Object> node;
  /** How many messages the node has sent. */
  long sentCount;
  /**
   * The last message sent. Keeping it stops the JIT from proving that messages never escape, as a
   * real transport, which queues them, would.
   */
  Message lastSent;
  private long nowNanos;

  /**
   * A node {@code id} whose store already holds {@code hardState}, durably, and no entries. Its clock
   * stays at 0 unless {@link #fireTimer()} moves it.
   */
  DrivenNode(NodeId id, HardState hardState, RaftConfig config) {
    RaftNode<?>[] self = new RaftNode<?>[1];
    store = new InMemoryLogStore(new DurabilityListener() {
      @Override
      public void logDurable(long sequence, long index, long term) {
        if (self[0] != null) {
          self[0].onLogDurable(sequence, index, term);
        }
      }

      @Override
      public void hardStateDurable(HardState state) {
        if (self[0] != null) {
          self[0].onHardStateDurable(state);
        }
      }

      @Override
      public void storageFailed(Exception cause) {
        self[0].onStorageFailure(cause);
      }
    }, () -> nowNanos, 0);
    store.saveHardState(hardState);
    store.reportAllDurable();
    node = RaftNode.<Object>builder()
        .id(id)
        .voters(VOTERS)
        .config(config)
        .logStore(store)
        .transport((to, message) -> {
          sentCount++;
          lastSent = message;
        })
        .randomSeed(VOTERS.indexOf(id) + 1)
        .start(nowNanos);
    self[0] = node;
  }

  /** Makes every write so far durable and delivers the reports to the node. */
  void sync() {
    store.reportAllDurable();
  }

  /** Moves the clock to the node's next deadline and ticks it. */
  void fireTimer() {
    nowNanos = Math.max(nowNanos, node.nextDeadlineNanos());
    node.tick(nowNanos);
  }

  /**
   * Applies what the node has committed, as a driver's apply thread would (here, on the caller's
   * thread, to a state machine that does nothing), then discards the applied part of the log once
   * it holds more than {@code threshold} applied entries, as a snapshot would, so that the in-memory
   * store stays small however long the run.
   */
  void compactIfAbove(long threshold) {
    CommittedEntry.applyAllNow(node, STATE_MACHINE);
    long applied = node.lastApplied();
    if (applied - store.firstIndex() >= threshold) {
      store.compactPrefix(applied, store.term(applied));
    }
  }

  /**
   * Makes this node, which must be {@code n1}, leader of a new term with the votes of {@code n2}
   * (through the PreVote round if the configuration has one), then has both followers acknowledge
   * its no-op entry so that it replicates to them optimistically and has committed its term.
   */
  void electLeader() {
    fireTimer();
    sync();
    if (node.role() == Role.PRE_CANDIDATE) {
      node.receive(new PreVoteResponse(node.currentTerm() + 1, N2, true));
      sync();
    }
    node.receive(new RequestVoteResponse(node.currentTerm(), N2, true));
    sync();
    if (node.role() != Role.LEADER) {
      throw new IllegalStateException("n1 did not become leader: " + node);
    }
    long noOp = node.lastLogIndex();
    node.receive(AppendEntriesResponse.accepted(node.currentTerm(), N2, noOp));
    node.receive(AppendEntriesResponse.accepted(node.currentTerm(), N3, noOp));
    if (node.commitIndex() != noOp) {
      throw new IllegalStateException("the leader did not commit its no-op: " + node);
    }
    node.checkInvariants();
  }
}

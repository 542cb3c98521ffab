package io.keel.sim;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.StateMachine;
import io.keel.raft.Transport;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.storage.InMemoryLogStore;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One node of the simulated cluster: the real {@link RaftNode}, its simulated disk (an
 * {@link InMemoryLogStore} with a sync delay) and its state machine. A crash loses the node's
 * volatile state and every write not yet durable; a restart builds a new node on what survived.
 *
 * @param <R> the state machine's result type
 */
public final class SimulatedNode<R> {

  private final NodeId id;
  private final List<NodeId> voters;
  private final RaftConfig config;
  private final Supplier<? extends StateMachine<R>> stateMachines;
  private final Transport transport;
  private final LongSupplier clockNanos;
  private final long seed;
  private final InMemoryLogStore store;
  private final AppliedRecorder recorder;
  private RaftNode<R> node;
  private StateMachine<R> stateMachine;
  private boolean crashed;
  private int starts;

  /** Records every command the state machine applies, for the safety checks. */
  interface AppliedRecorder {
    void applied(NodeId node, long index, byte[] command);
  }

  SimulatedNode(NodeId id, List<NodeId> voters, RaftConfig config,
      Supplier<? extends StateMachine<R>> stateMachines, Transport transport, LongSupplier clockNanos,
      long diskSyncDelayNanos, long seed, AppliedRecorder recorder) {
    this.id = id;
    this.voters = voters;
    this.config = config;
    this.stateMachines = stateMachines;
    this.transport = transport;
    this.clockNanos = clockNanos;
    this.seed = seed;
    this.recorder = recorder;
    this.store = new InMemoryLogStore(new Listener(), clockNanos, diskSyncDelayNanos);
    start();
  }

  private void start() {
    StateMachine<R> fresh = stateMachines.get();
    stateMachine = fresh;
    node = RaftNode.<R>builder()
        .id(id)
        .voters(voters)
        .config(config)
        .logStore(store)
        .transport(transport)
        .stateMachine((index, command) -> {
          recorder.applied(id, index, command);
          return fresh.apply(index, command);
        })
        .randomSeed(seed * 0x9E3779B97F4A7C15L + 31L * starts++)
        .start(clockNanos.getAsLong());
    crashed = false;
  }

  /** The node's id. */
  public NodeId id() {
    return id;
  }

  /** The Raft node, valid while the node is up. */
  public RaftNode<R> raft() {
    return node;
  }

  /** The node's simulated disk. */
  public InMemoryLogStore store() {
    return store;
  }

  /** The state machine of the node's current incarnation. */
  public StateMachine<R> stateMachine() {
    return stateMachine;
  }

  /** Whether the node is down. */
  public boolean isCrashed() {
    return crashed;
  }

  void crash() {
    crashed = true;
    store.crash();
  }

  void restart() {
    start();
  }

  private final class Listener implements DurabilityListener {
    @Override
    public void logDurable(long index, long term) {
      if (!crashed) {
        node.onLogDurable(index, term);
      }
    }

    @Override
    public void hardStateDurable(HardState state) {
      if (!crashed) {
        node.onHardStateDurable(state);
      }
    }

    @Override
    public void storageFailed(Exception cause) {
      if (!crashed) {
        node.onStorageFailure(cause);
      }
    }
  }
}

package io.keel.sim;

import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What a persistent state machine's store holds across a crash of its node. The state machine
 * writes its state at each {@link StateMachine#flush} (the end of each run of applies); a crash
 * keeps the newest flushed state, or, as a machine crash may, one of the few before it: a store
 * may lose its last writes, as long as it then says so with a lower applied index (a store such
 * as RocksDB with a log it does not force). Keel must then replay, from its own log or from a
 * snapshot, what the store lost. States are kept as the state machine's snapshot bytes; a state
 * machine that takes no snapshots keeps its state object across crashes instead, as if every
 * apply were stored.
 */
final class FlushedStates {

  /** How many flushed states a crash may fall back among. */
  private static final int KEPT = 3;

  /** One flushed state: the index applied, and the state's bytes. */
  record Flushed(long index, byte[] state) {}

  private final ArrayDeque<Flushed> states = new ArrayDeque<>();
  private final SimRandom random;
  private int lostRuns;

  FlushedStates(SimRandom random) {
    this.random = random;
  }

  /** The state machine flushed (or was restored to) the state at {@code index}. */
  void flushed(long index, StateMachine<?> stateMachine) {
    StateMachineSnapshot view = stateMachine.snapshot();
    if (view == null) {
      states.clear();
      return;
    }
    states.addLast(new Flushed(index, NodeSnapshots.bytesOf(view)));
    while (states.size() > KEPT) {
      states.pollFirst();
    }
  }

  /** The state machine was restored from a snapshot at {@code index}: older flushed states are gone. */
  void restored(long index, StateMachine<?> stateMachine) {
    states.clear();
    flushed(index, stateMachine);
  }

  /**
   * The node crashed: the store keeps the newest flushed state half the time, otherwise one of the
   * older ones it still holds, chosen by the seed.
   */
  void crash() {
    if (states.size() < 2 || random.chance(0.5)) {
      return;
    }
    int drop = 1 + (int) random.nextLong(states.size() - 1);
    for (int i = 0; i < drop; i++) {
      states.pollLast();
      lostRuns++;
    }
  }

  /** The state the store holds, or null if it holds none that it could restore. */
  Flushed held() {
    return states.peekLast();
  }

  /** Restores {@code fresh} to the held state {@code held}. */
  static void restore(StateMachine<?> fresh, Flushed held) {
    try {
      fresh.restore(held.index(), new ByteArrayInputStream(held.state()));
    } catch (IOException e) {
      throw new UncheckedIOException("the simulated state machine failed to restore its flushed state", e);
    }
  }

  /** How many flushed runs crashes took from the store, over the run. */
  int lostRuns() {
    return lostRuns;
  }

  /** The indexes of the states held, oldest first (for tests). */
  List<Long> indexes() {
    List<Long> indexes = new ArrayList<>();
    states.forEach(state -> indexes.add(state.index()));
    return indexes;
  }
}

package io.keel.sim;

import io.keel.raft.StateMachine;
import io.keel.sim.linearizability.RecordedOperation;

/**
 * What the simulated readers read when the workload keeps keys, and how their reads enter its
 * history: each read is invoked when asked, and completed with the value the node's state machine
 * held when the read was served, or as unknown when it was not.
 */
public interface KeyReads {

  /** The key the next read asks for. */
  String readKey(SimRandom random);

  /** Reader {@code reader} asks for {@code key}: the history's operation, to complete. */
  RecordedOperation invokeRead(int reader, String key);

  /** The value of {@code key} in {@code machine}, a node's state machine, as the read is served. */
  String valueAt(StateMachine<?> machine, String key);

  /**
   * Whether reads skip the protocol and read the node's state machine at once, as a store without
   * linearizable reads would: only to show that the history check catches the stale reads.
   */
  default boolean readsLocally() {
    return false;
  }
}

package io.keel.raft;

/**
 * The user's replicated state machine. Keel calls {@link #apply} once for every committed command,
 * in log order, on every node; the result on the node that accepted the proposal completes the
 * proposer's future.
 *
 * <p>To stay consistent across replicas, {@code apply} must be deterministic: the same commands in
 * the same order give the same state and results on every node. An exception it throws is treated
 * as that command's result: the proposal's future fails with it and applying goes on, so it too must
 * be deterministic.
 *
 * @param <R> the type of result returned to the proposer
 */
@FunctionalInterface
public interface StateMachine<R> {

  /**
   * Applies one committed command.
   *
   * @param index the command's log index; strictly increasing from call to call (indexes that hold
   *     no command, such as a new leader's no-op entry, are skipped)
   * @param command the command bytes as proposed; must not be modified
   * @return the result handed to the proposer
   */
  R apply(long index, byte[] command);
}

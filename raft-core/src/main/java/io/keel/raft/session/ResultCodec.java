package io.keel.raft.session;

/**
 * How a {@link SessionStateMachine} writes the results it keeps into snapshots and reads them back:
 * a retry answered after a snapshot install or a restart must get the same result.
 *
 * @param <R> the state machine's result type
 */
public interface ResultCodec<R> {

  /** The result as bytes; {@code result} may be null. */
  byte[] encode(R result);

  /**
   * The result {@link #encode} wrote.
   *
   * @throws IllegalArgumentException if {@code bytes} are not such a result
   */
  R decode(byte[] bytes);
}

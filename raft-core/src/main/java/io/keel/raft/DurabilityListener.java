package io.keel.raft;

/**
 * Where a {@link LogStore} reports that its writes have become durable, or that it failed.
 *
 * <p>The driver of a node (the production runtime, the simulator, a test) implements this by
 * turning each call into an event for the node: {@code RaftNode.onLogDurable},
 * {@code onHardStateDurable} and {@code onStorageFailure}. A store must never call its listener
 * from inside one of its own methods that the node called: reports arrive later, as separate
 * events.
 */
public interface DurabilityListener {

  /**
   * Every log entry up to and including {@code index} is durable; the entry at {@code index} has
   * {@code term}. The pair identifies the entry, so a report about entries that were truncated
   * since is recognised as stale.
   */
  void logDurable(long index, long term);

  /** {@code state}, and every hard state saved before it, is durable. */
  void hardStateDurable(HardState state);

  /**
   * A write failed; nothing written after the last reported durable position may be relied on.
   * The node stops taking part in the protocol and says why.
   */
  void storageFailed(Exception cause);
}

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
   * Every log write up to and including the one numbered {@code sequence} (as its write method
   * returned) is durable, and the durable log then ends at {@code index}, which holds
   * {@code term}. The sequence number ties the report to the writes it covers, so the node never
   * mistakes a report about entries truncated since for one about entries written again.
   */
  void logDurable(long sequence, long index, long term);

  /** {@code state}, and every hard state saved before it, is durable. */
  void hardStateDurable(HardState state);

  /**
   * A write failed; nothing written after the last reported durable position may be relied on.
   * The node stops taking part in the protocol and says why.
   */
  void storageFailed(Exception cause);
}

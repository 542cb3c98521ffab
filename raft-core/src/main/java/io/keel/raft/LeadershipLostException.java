package io.keel.raft;

/**
 * The leader that accepted a proposal stopped being leader before the proposal was applied. The
 * outcome is unknown: a later leader may still commit the entry, or may replace it. Retry only if
 * the command is idempotent, or after checking whether it took effect.
 */
public final class LeadershipLostException extends RaftException {

  /** {@code node} stopped leading {@code term} with the entry at {@code index} not yet applied. */
  public LeadershipLostException(NodeId node, long term, long index) {
    super(node + " stopped leading term " + term + " before index " + index
        + " was applied; the command may or may not take effect");
  }
}

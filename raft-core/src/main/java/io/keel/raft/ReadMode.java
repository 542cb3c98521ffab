package io.keel.raft;

/**
 * How a read is made linearizable (Raft thesis §6.4). Either way the read is served once the
 * node's state machine has applied the read index, so that it sees every write committed before it
 * was asked.
 */
public enum ReadMode {
  /**
   * The leader confirms that it still leads with a round of leadership checks sent after the read
   * arrived; reads that arrive together share one round. Safe whatever the clocks do.
   */
  READ_INDEX,
  /**
   * The leader serves the read at once while its lease holds: a quorum answered a leadership check
   * sent less than {@link RaftConfig#leaseDuration()} ago, so no other leader can have been elected
   * since (thesis §6.4.1). Saves the round, but trusts clocks to drift no more than
   * {@link RaftConfig#maxClockDrift()}. Needs {@link RaftConfig#leaseReads()}; without a valid
   * lease (none yet, a configuration change, a leadership transfer begun) the read falls back to
   * {@link #READ_INDEX}, as it does on a follower, which asks the leader for a read index.
   */
  LEASE
}

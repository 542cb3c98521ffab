package io.keel.raft.runtime;

import java.util.Optional;

/**
 * A group's snapshots as an operator sees them, part of its {@link GroupStatus}: the newest
 * snapshot the node holds, how many it took and sent and installed, and what failed.
 *
 * @param latestIndex the last index of the newest snapshot the node holds; 0 if none
 * @param taken snapshots of the state machine this node wrote since the group started
 * @param takeFailures snapshots of the state machine that failed to be taken or written
 * @param sent snapshot transfers this node completed to followers, as leader
 * @param installed snapshots this node installed from a leader
 * @param transferFailures transfers that failed here: a snapshot that could not be read to send,
 *     or a received one that could not be stored or installed (a damaged payload, say)
 * @param lastTransferFailure the last of those failures, if any
 */
public record SnapshotStatus(long latestIndex, long taken, long takeFailures, long sent, long installed,
    long transferFailures, Optional<String> lastTransferFailure) {

  /** A group that takes no snapshots. */
  public static final SnapshotStatus NONE = new SnapshotStatus(0, 0, 0, 0, 0, 0, Optional.empty());
}

package io.keel.raft;

import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.snapshot.SnapshotMeta;

/**
 * Where a follower puts the snapshot its leader streams to it, and how it installs it: the
 * driver's side of InstallSnapshot. Like the {@link LogStore}'s writes, both calls only start the
 * work, which may take long (a write to disk, restoring a large state machine), and the driver
 * reports the outcome to the node later, on the node's thread:
 *
 * <ul>
 *   <li>{@link #store} writes a chunk into the snapshot being received (resuming a part of the
 *       same snapshot the store already holds, from an earlier transfer or from before a crash,
 *       and discarding a part of any other) and reports
 *       {@link io.keel.raft.protocol.Snapshots#onChunkStored} with the number of payload
 *       bytes now held: a chunk after that position is not written, the leader resends from there;
 *   <li>{@link #install} finishes the received snapshot (its checksum checked, durably installed
 *       as the store's latest) and restores the state machine from it, <em>after</em> every
 *       committed entry handed out before it has been applied; then reports
 *       {@link io.keel.raft.protocol.Snapshots#onInstalled}.
 * </ul>
 *
 * <p>Either reports {@link io.keel.raft.protocol.Snapshots#onInstallFailed} if it fails (a
 * damaged payload, an I/O error): the node starts the transfer over with the leader's next chunk.
 * Calls come from the node's thread; the node calls {@code install} only once the receiver
 * reported every byte held, and sends no more chunks of that snapshot to {@code store} meanwhile.
 */
public interface SnapshotReceiver {

  /** Writes the chunk {@code chunk.data()} at {@code chunk.offset()} of the snapshot the chunk names. */
  void store(InstallSnapshot chunk);

  /** Finishes and installs the received snapshot standing for {@code meta}, then restores the state machine. */
  void install(SnapshotMeta meta);
}

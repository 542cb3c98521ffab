package io.keel.raft.storage.file;

/**
 * What a {@link FileSnapshotStore} has done since it opened, and how often it failed.
 *
 * @param snapshotsCreated snapshots this node took that were installed
 * @param snapshotsReceived received snapshots that were installed
 * @param bytesWritten payload bytes written, by every sink
 * @param syncs forces of snapshot, progress and directory files
 * @param checksumFailures payloads refused because their CRC did not match: a received snapshot
 *     whose bytes did not match the checksum its sender declared, a stream that read a damaged
 *     payload
 * @param writeFailures sinks that failed with an I/O error (a full disk, a failed sync); each
 *     discards or keeps what it had as the sink's documentation says, and the store goes on
 * @param cleanupFailures removals of replaced files, and markings of the lock file, that failed
 *     after a snapshot was installed; the files are removed at the next installation or opening
 * @param partialsDiscarded parts of received snapshots discarded: replaced by another snapshot,
 *     aborted, refused by their checksum, or found unusable when a receive resumed
 */
public record SnapshotStoreStats(long snapshotsCreated, long snapshotsReceived, long bytesWritten, long syncs,
    long checksumFailures, long writeFailures, long cleanupFailures, long partialsDiscarded) {}

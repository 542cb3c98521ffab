package io.keel.raft.storage.file;

import io.keel.raft.metrics.LatencySnapshot;

/**
 * What a {@link FileLogStore} has done since it opened.
 *
 * @param entriesWritten log entries written
 * @param bytesWritten bytes of log records written
 * @param syncs {@code fsync} calls on segment files (none with {@link SyncPolicy#NONE})
 * @param fsyncLatency how long each of those calls took
 * @param appendLatency from an append call to the durability report that covers it, for the
 *     oldest append of each batch: the wait a follower's acknowledgement or a leader's commit sees
 */
public record StorageStats(
    long entriesWritten, long bytesWritten, long syncs, LatencySnapshot fsyncLatency, LatencySnapshot appendLatency) {}

/**
 * The durable, file-backed {@link io.keel.raft.LogStore}: {@link io.keel.raft.storage.file.FileLogStore}
 * keeps the log in append-only segment files of CRC-checked records, writes them from one thread
 * that syncs many appends at once (group commit), and recovers a directory after a crash, cutting a
 * torn last record and refusing any other damage with a {@link io.keel.raft.storage.file.CorruptLogException}.
 * A manifest records the newest segment and how far the log is durable, so a directory that lost
 * segments is refused too, never opened as a shorter log.
 * {@link io.keel.raft.storage.file.LogInspector} prints a directory's state without changing it.
 * docs/storage.md describes the format byte by byte.
 */
package io.keel.raft.storage.file;

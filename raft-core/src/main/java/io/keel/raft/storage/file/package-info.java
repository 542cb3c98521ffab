/**
 * The durable, file-backed stores. {@link io.keel.raft.storage.file.FileLogStore} is the
 * {@link io.keel.raft.LogStore}: it keeps the log in append-only segment files of CRC-checked
 * records, writes them from one thread that syncs many appends at once (group commit), and recovers
 * a directory after a crash, cutting a torn last record and refusing any other damage with a
 * {@link io.keel.raft.storage.file.CorruptLogException}. A manifest records the newest segment and
 * how far the log is durable, so a directory that lost segments is refused too, never opened as a
 * shorter log. {@link io.keel.raft.storage.file.LogInspector} prints a directory's state without
 * changing it. {@link io.keel.raft.storage.file.FileSnapshotStore} is the
 * {@link io.keel.raft.snapshot.SnapshotStore}, in a directory of its own. docs/storage.md describes
 * both formats byte by byte.
 */
package io.keel.raft.storage.file;

/**
 * Snapshot storage: the {@link io.keel.raft.snapshot.SnapshotStore} plug-in in which a node keeps
 * the state machine's snapshot (its bytes, and the index, term and voters it stands for), takes new
 * ones by streaming, receives the leader's in resumable chunks, and reads them back in chunks or as
 * a verified stream; never holding a payload whole in memory. The durable implementation is
 * {@link io.keel.raft.storage.file.FileSnapshotStore}; {@link io.keel.raft.snapshot.InMemorySnapshotStore}
 * serves tests and the simulator. docs/storage.md, "Snapshots", describes the file format and
 * every crash point.
 */
package io.keel.raft.snapshot;

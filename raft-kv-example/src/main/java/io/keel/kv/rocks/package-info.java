/**
 * The key-value store kept in RocksDB ({@code state-machine = rocksdb}): {@link
 * io.keel.kv.rocks.RocksDbStateMachine} applies the service's commands into RocksDB with the
 * applied index and the client sessions' table in the same atomic writes, and {@link
 * io.keel.kv.rocks.CheckpointSnapshotStore} keeps its snapshots as RocksDB checkpoints, linked
 * rather than copied and sent to followers file by file. docs/kv-example.md says when to choose
 * it; docs/persistent-state-machine.md walks through it as the example of a persistent state
 * machine on Keel.
 */
package io.keel.kv.rocks;

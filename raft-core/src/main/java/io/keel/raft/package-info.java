/**
 * Keel's public API: the interfaces the protocol talks to ({@link io.keel.raft.Transport},
 * {@link io.keel.raft.LogStore}, {@link io.keel.raft.StateMachine}), the values it exchanges with
 * them, and its validated {@link io.keel.raft.RaftConfig}.
 */
package io.keel.raft;

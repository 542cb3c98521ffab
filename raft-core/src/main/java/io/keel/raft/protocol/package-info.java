/**
 * The Raft protocol as pure logic: {@link io.keel.raft.protocol.RaftNode} and the roles, replication
 * progress and quorum arithmetic behind it. Nothing here reads a clock, starts a thread, does I/O or
 * draws unseeded randomness; a test ({@code ProtocolPurityTest}) enforces it.
 */
package io.keel.raft.protocol;

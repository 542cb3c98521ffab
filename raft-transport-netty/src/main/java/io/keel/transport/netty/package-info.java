/**
 * Keel's production transport: {@link io.keel.transport.netty.NettyTransport} carries the Raft
 * messages of every group between nodes over TCP with Netty, one connection per pair of nodes,
 * with a versioned binary codec ({@code wire}), optional mutual TLS ({@code tls}), bounded
 * per-peer queues and reconnects. The threads that run the protocol are
 * {@link io.keel.raft.runtime.RaftRuntime}'s, in raft-core.
 */
package io.keel.transport.netty;

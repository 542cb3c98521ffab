/**
 * Keel's production runtime over TCP with Netty: the codec, TLS, reconnects and backpressure.
 *
 * <p>This module builds but is still empty; its issue fills it in. It depends on {@code raft-core}
 * only, and reaches the protocol through the {@code Transport} interface.
 */
package io.keel.transport.netty;

/**
 * Optional mutual TLS between Keel nodes: {@link io.keel.transport.netty.tls.TlsConfig} turns PEM
 * files into Netty {@code SslContext}s, and {@link io.keel.transport.netty.tls.PeerIdentity} checks
 * that a peer's certificate names the node id it claims.
 *
 * <p>Both sides of every connection present a certificate signed by a configured CA. Nodes are
 * identified by {@link io.keel.raft.NodeId}, not by host name, so hostname verification is off and
 * the node-id check replaces it; a transport must run that check once the handshake has succeeded
 * and before it reads any message from the connection.
 */
package io.keel.transport.netty.tls;

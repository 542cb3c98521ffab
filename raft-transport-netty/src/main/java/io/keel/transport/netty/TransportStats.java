package io.keel.transport.netty;

import io.keel.raft.NodeId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A snapshot of the transport's counters.
 *
 * @param peers traffic per configured peer
 * @param refusedConnections incoming or outgoing connections refused at the handshake (wrong
 *     cluster id, unknown or misnamed node, untrusted certificate, a second connection in the name of
 *     a peer already connected without TLS to prove it, ...)
 * @param protocolViolations connections closed because the peer sent malformed or unexpected frames
 * @param bytesInUnauthenticated bytes received on connections that never completed the handshake
 * @param lastRefusal the reason for the most recent refusal or violation, if any
 * @param unknownPeers nodes that messages were addressed to but that have no address among the
 *     peers (a voter left out of the configuration, say); their messages are dropped
 */
public record TransportStats(
    List<PeerStats> peers,
    long refusedConnections,
    long protocolViolations,
    long bytesInUnauthenticated,
    Optional<String> lastRefusal,
    Set<NodeId> unknownPeers) {

  /** Copies the collections. */
  public TransportStats {
    peers = List.copyOf(peers);
    unknownPeers = Set.copyOf(unknownPeers);
  }

  /** The counters of {@code peer}, if it is configured. */
  public Optional<PeerStats> peer(NodeId peer) {
    return peers.stream().filter(stats -> stats.peer().equals(peer)).findFirst();
  }

  /** Messages sent to all peers. */
  public long messagesOut() {
    return peers.stream().mapToLong(PeerStats::messagesOut).sum();
  }

  /** Messages received from all peers. */
  public long messagesIn() {
    return peers.stream().mapToLong(PeerStats::messagesIn).sum();
  }

  /** Messages from any peer that a group refused as impossible (each closed its connection). */
  public long impossibleMessages() {
    return peers.stream().mapToLong(PeerStats::impossibleMessages).sum();
  }

  /** Messages dropped on the way to any peer. */
  public long dropped() {
    return peers.stream().mapToLong(PeerStats::dropped).sum();
  }
}

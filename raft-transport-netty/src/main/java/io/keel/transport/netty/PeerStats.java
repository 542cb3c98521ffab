package io.keel.transport.netty;

import io.keel.raft.NodeId;
import java.util.Optional;

/**
 * Traffic with one peer since the transport started.
 *
 * @param peer the peer
 * @param connected whether an authenticated connection to it is open now
 * @param connections how many connections to it completed the handshake
 * @param messagesOut messages written to it
 * @param bytesOut bytes of frames written to it (before TLS)
 * @param messagesIn messages received from it
 * @param bytesIn bytes received on its connections (on the wire, TLS included)
 * @param droppedQueueFull messages dropped because its outbound queue was full (the peer or the
 *     network is slower than the node); Raft retransmits
 * @param droppedNotConnected messages dropped because no connection was open
 * @param droppedTooLarge messages dropped because their frame exceeded {@code maxFrameBytes}
 * @param impossibleMessages messages from it that a group refused because no correct peer could
 *     have sent them; each closed its connection. Above zero only if the peer is broken, corrupted
 *     or lying, or if someone else got a connection accepted in its name (possible without TLS)
 * @param queuedMessages messages waiting in its outbound queue now
 * @param lastProblem the last reason a connection to it closed or was refused, if any
 */
public record PeerStats(
    NodeId peer,
    boolean connected,
    long connections,
    long messagesOut,
    long bytesOut,
    long messagesIn,
    long bytesIn,
    long droppedQueueFull,
    long droppedNotConnected,
    long droppedTooLarge,
    long impossibleMessages,
    int queuedMessages,
    Optional<String> lastProblem) {

  /** Every message dropped on the way to this peer, whatever the reason. */
  public long dropped() {
    return droppedQueueFull + droppedNotConnected + droppedTooLarge;
  }
}

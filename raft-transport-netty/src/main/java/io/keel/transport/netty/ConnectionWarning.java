package io.keel.transport.netty;

/**
 * The kinds of WARN lines the transport writes about connections and peers. Each kind is
 * rate-limited on its own ({@link RateLimitedLog}), since anyone who can reach the port can cause
 * most of them at will.
 */
enum ConnectionWarning {
  /** This node refused a connection at the handshake. */
  REFUSED_CONNECTION,
  /** A TLS handshake failed. */
  TLS_FAILURE,
  /** A peer sent a malformed or unexpected frame. */
  PROTOCOL_VIOLATION,
  /** A peer refused a connection this node opened. */
  REFUSED_BY_PEER,
  /** A group refused a message from a peer as impossible; its connection was closed. */
  IMPOSSIBLE_MESSAGE,
  /** Nothing arrived on a connection for the idle timeout. */
  CONNECTION_LOST,
  /** A connection failed with an unexpected error. */
  CONNECTION_ERROR,
  /** A message too large for {@code maxFrameBytes} was dropped instead of sent. */
  MESSAGE_TOO_LARGE,
  /** A group's configuration gave a member an address that does not parse; it was skipped. */
  MALFORMED_PEER_ADDRESS,
  /** A group's configuration names members this transport has no address for. */
  UNADDRESSED_MEMBER
}

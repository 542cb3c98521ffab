package io.keel.transport.netty.tls;

/**
 * Thrown by {@link PeerIdentity#check} when a TLS peer's certificate does not name the node it
 * claims to be, or when the peer presented no certificate; the connection must then be closed.
 */
public final class PeerIdentityException extends Exception {

  private static final long serialVersionUID = 1L;

  /** An exception carrying the reason the peer was refused. */
  public PeerIdentityException(String message) {
    super(message);
  }

  /** An exception carrying the reason the peer was refused and its cause. */
  public PeerIdentityException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.keel.transport.netty.wire;

import java.util.Objects;

/**
 * The user event {@link FrameDecoder} fires, once, when the peer breaks the wire format; the
 * channel is closed right after.
 *
 * @param reason what the peer did wrong, e.g. {@code "unsupported wire version 7"}
 */
public record ProtocolViolation(String reason) {

  /** Requires a reason. */
  public ProtocolViolation {
    Objects.requireNonNull(reason, "reason");
  }
}

package io.keel.transport.netty.wire;

/**
 * A frame body that breaks the {@link WireFormat}; its message says what is wrong, precisely
 * enough to put in a log line or a REJECT. It records no stack trace: the cause is the input, not
 * the code, and a hostile peer should not be able to make us pay for traces.
 */
public final class MalformedFrameException extends Exception {

  /** A malformed frame, described by {@code reason}. */
  public MalformedFrameException(String reason) {
    super(reason, null, false, false);
  }

  /** A malformed frame whose values a record refused with {@code cause}. */
  public MalformedFrameException(String reason, Throwable cause) {
    super(reason, cause, false, false);
  }
}

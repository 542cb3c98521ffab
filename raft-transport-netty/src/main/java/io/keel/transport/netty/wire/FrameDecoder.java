package io.keel.transport.netty.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the inbound byte stream into {@link Frame}s, one per length-prefixed body, and ends the
 * connection at the first violation of the {@link WireFormat}.
 *
 * <p>Frames longer than the current limit are violations. The limit starts small, so a peer that
 * has not completed the handshake can never make us buffer more than that; the connection's
 * handler calls {@link #raiseLimit} once the handshake succeeds. Frames are passed on one at a
 * time, so a limit raised on receipt of one frame already applies to the next, even if both came in
 * the same read. A frame's bytes are buffered only as they arrive: nothing is sized by the length
 * field.
 *
 * <p>On a violation (a length below {@value WireFormat#MIN_BODY_BYTES} or above the limit, or a
 * body {@link WireCodec#decode} rejects), the decoder, in this order: records the reason, drops all
 * buffered and future input, logs one DEBUG line with the remote address, fires one
 * {@link ProtocolViolation} user event down the pipeline (whose handler decides what to log, and
 * how often: anyone can send garbage), and closes the channel. Frames decoded
 * before the violation have already been passed on. Not thread-safe: use it from the channel's
 * event loop only.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

  private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

  private int maxFrameBytes;
  private String violation;

  /**
   * A decoder that accepts frames of up to {@code preHandshakeMaxFrameBytes} (body bytes, after the
   * length field) until {@link #raiseLimit} is called.
   */
  public FrameDecoder(int preHandshakeMaxFrameBytes) {
    if (preHandshakeMaxFrameBytes < WireFormat.MIN_BODY_BYTES) {
      throw new IllegalArgumentException("the pre-handshake frame limit must be >= "
          + WireFormat.MIN_BODY_BYTES + " bytes, got " + preHandshakeMaxFrameBytes);
    }
    this.maxFrameBytes = preHandshakeMaxFrameBytes;
  }

  /** Raises the frame limit to {@code maxFrameBytes}, once the peer is authenticated. */
  public void raiseLimit(int maxFrameBytes) {
    if (maxFrameBytes < this.maxFrameBytes) {
      throw new IllegalArgumentException(
          "cannot lower the frame limit from " + this.maxFrameBytes + " to " + maxFrameBytes + " bytes");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** The largest frame body accepted now, in bytes. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** Why the connection was ended, if the peer broke the format. */
  public Optional<String> violation() {
    return Optional.ofNullable(violation);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (violation != null) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < WireFormat.LENGTH_FIELD_BYTES) {
      return;
    }
    long length = in.getUnsignedInt(in.readerIndex());
    if (length < WireFormat.MIN_BODY_BYTES || length > maxFrameBytes) {
      violate(ctx, in, "frame length " + length + " is outside " + WireFormat.MIN_BODY_BYTES + ".."
          + maxFrameBytes + " bytes");
      return;
    }
    if (in.readableBytes() - WireFormat.LENGTH_FIELD_BYTES < length) {
      return; // wait for the rest; the cumulation grows only with bytes actually received
    }
    in.skipBytes(WireFormat.LENGTH_FIELD_BYTES);
    ByteBuf body = in.readSlice((int) length);
    try {
      out.add(WireCodec.decode(body));
    } catch (MalformedFrameException e) {
      violate(ctx, in, e.getMessage());
    }
  }

  private void violate(ChannelHandlerContext ctx, ByteBuf in, String reason) {
    violation = reason;
    in.skipBytes(in.readableBytes());
    log.debug("closing connection with {}: protocol violation: {}", ctx.channel().remoteAddress(), reason);
    ctx.fireUserEventTriggered(new ProtocolViolation(reason));
    ctx.close();
  }
}

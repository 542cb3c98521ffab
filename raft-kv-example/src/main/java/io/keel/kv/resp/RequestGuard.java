package io.keel.kv.resp;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.redis.ArrayHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringRedisContent;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.LastBulkStringRedisContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits between the RESP decoder and the aggregators and bounds what one request may make a node
 * hold. A bulk string longer than the limit is not gathered: its bytes are dropped as they arrive
 * and the request gets {@link #OVERSIZED} in its place, which the command layer answers with an
 * error (the connection stays usable). A request of more arguments than the limit, or an array
 * nested in a request, is no request a client of this service sends: the connection is closed.
 */
final class RequestGuard extends ChannelInboundHandlerAdapter {

  /** Stands for an argument longer than the limit; compare by identity. */
  static final FullBulkStringRedisMessage OVERSIZED =
      new FullBulkStringRedisMessage(Unpooled.unreleasableBuffer(Unpooled.EMPTY_BUFFER));

  private final long maxBulkBytes;
  private final int maxArguments;
  private boolean skipping;
  private boolean inArray;
  private long elementsLeft;

  RequestGuard(long maxBulkBytes, int maxArguments) {
    this.maxBulkBytes = maxBulkBytes;
    this.maxArguments = maxArguments;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (skipping) {
      boolean last = message instanceof LastBulkStringRedisContent;
      ReferenceCountUtil.release(message);
      if (last) {
        skipping = false;
        element(ctx);
        ctx.fireChannelRead(OVERSIZED);
      }
      return;
    }
    if (message instanceof ArrayHeaderRedisMessage header) {
      if (inArray) {
        throw new CorruptedFrameException("an array nested in a request");
      }
      if (header.length() > maxArguments) {
        throw new CorruptedFrameException("a request of " + header.length() + " arguments, the limit is " + maxArguments);
      }
      inArray = header.length() > 0;
      elementsLeft = header.length();
    } else if (message instanceof BulkStringHeaderRedisMessage header && header.bulkStringLength() > maxBulkBytes) {
      skipping = true;
      return;
    } else if (message instanceof FullBulkStringRedisMessage full && full.content().readableBytes() > maxBulkBytes) {
      full.release();
      element(ctx);
      ctx.fireChannelRead(OVERSIZED);
      return;
    } else if (!(message instanceof BulkStringHeaderRedisMessage)
        && (!(message instanceof BulkStringRedisContent) || message instanceof LastBulkStringRedisContent)) {
      element(ctx);
    }
    ctx.fireChannelRead(message);
  }

  /** One element of the current request arrived whole. */
  private void element(ChannelHandlerContext ctx) {
    if (inArray && --elementsLeft == 0) {
      inArray = false;
    }
  }
}

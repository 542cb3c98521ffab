package io.keel.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The first handler of every connection: counts the bytes received, against the peer once the
 * connection is authenticated and against the transport's unauthenticated total before.
 */
final class InboundByteCounter extends ChannelInboundHandlerAdapter {

  private final NettyTransport transport;
  private volatile PeerLink link;

  InboundByteCounter(NettyTransport transport) {
    this.transport = transport;
  }

  void authenticated(PeerLink peer) {
    this.link = peer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      PeerLink peer = link;
      if (peer != null) {
        peer.bytesIn.add(bytes.readableBytes());
      } else {
        transport.countUnauthenticatedBytes(bytes.readableBytes());
      }
    }
    ctx.fireChannelRead(msg);
  }
}

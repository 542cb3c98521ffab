package io.keel.transport.netty.tls;

import io.keel.raft.NodeId;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSession;

/**
 * One end of a test connection, placed right after the {@link SslHandler}: it records the
 * handshake's outcome, runs {@link PeerIdentity#check} on success, closes the channel on any
 * failure, and after a passed check either echoes what it reads or collects it.
 */
final class IdentityCheckingHandler extends ChannelInboundHandlerAdapter {

  /** Completes with the session on handshake success, exceptionally with the handshake failure. */
  final CompletableFuture<SSLSession> handshake = new CompletableFuture<>();
  /** Completes when the peer passed the check, exceptionally with why it did not. */
  final CompletableFuture<NodeId> identity = new CompletableFuture<>();
  /** Completes when the channel has closed. */
  final CompletableFuture<Void> closed = new CompletableFuture<>();
  /** Every exception that reached this handler. */
  final List<Throwable> errors = new CopyOnWriteArrayList<>();

  private final NodeId expected;
  private final boolean echo;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private int awaitedBytes = -1;
  private CompletableFuture<byte[]> reply;

  IdentityCheckingHandler(NodeId expected, boolean echo) {
    this.expected = expected;
    this.echo = echo;
  }

  /** A future for the next {@code length} bytes read; call before sending the request. */
  synchronized CompletableFuture<byte[]> expectBytes(int length) {
    awaitedBytes = length;
    received.reset();
    reply = new CompletableFuture<>();
    return reply;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent completion) {
      if (!completion.isSuccess()) {
        handshake.completeExceptionally(completion.cause());
        identity.completeExceptionally(completion.cause());
        ctx.close();
      } else {
        SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
        handshake.complete(session);
        try {
          PeerIdentity.check(session, expected);
          identity.complete(expected);
        } catch (PeerIdentityException e) {
          identity.completeExceptionally(e);
          ctx.close();
        }
      }
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!identity.isDone() || identity.isCompletedExceptionally()) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (echo) {
      ctx.writeAndFlush(msg);
      return;
    }
    ByteBuf bytes = (ByteBuf) msg;
    try {
      collect(bytes);
    } finally {
      bytes.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    errors.add(cause);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    handshake.completeExceptionally(new IllegalStateException("closed before the handshake"));
    identity.completeExceptionally(new IllegalStateException("closed before the check"));
    closed.complete(null);
    super.channelInactive(ctx);
  }

  private synchronized void collect(ByteBuf bytes) {
    byte[] chunk = new byte[bytes.readableBytes()];
    bytes.readBytes(chunk);
    received.writeBytes(chunk);
    if (reply != null && received.size() >= awaitedBytes) {
      reply.complete(received.toByteArray());
    }
  }
}

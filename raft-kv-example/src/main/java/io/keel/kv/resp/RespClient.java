package io.keel.kv.resp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.handler.codec.redis.RedisMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small asynchronous RESP2 client over one connection: requests are pipelined, and replies match
 * them in order. The service forwards writes to a group's leader with it, and the {@code keel-kv}
 * commands and the tests talk to nodes with it. Safe to use from any thread.
 */
public final class RespClient implements AutoCloseable {

  private final Channel channel;
  private final EventLoopGroup ownGroup;
  /** Requests waiting for their replies, oldest first; used on the event loop only, as are the two flags. */
  private final ArrayDeque<CompletableFuture<RespReply>> pending = new ArrayDeque<>();
  private boolean flushScheduled;
  private boolean closed;
  /** Set by {@link #closeAsync()}, from any thread. */
  private volatile boolean closing;

  private RespClient(Channel channel, EventLoopGroup ownGroup) {
    this.channel = channel;
    this.ownGroup = ownGroup;
  }

  /**
   * Connects to {@code address} on threads of its own, waiting up to {@code timeout}; for
   * command-line tools and tests.
   *
   * @throws IOException if the connection cannot be made
   */
  public static RespClient connect(InetSocketAddress address, Duration timeout) throws IOException {
    EventLoopGroup group = new NioEventLoopGroup(1);
    try {
      return connect(group, address, timeout, true).get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IOException("cannot connect to " + address + ": " + e.getMessage(), e);
    }
  }

  /** Connects to {@code address} on {@code group}'s threads, which the caller owns. */
  public static CompletableFuture<RespClient> connect(EventLoopGroup group, InetSocketAddress address,
      Duration timeout) {
    return connect(group, address, timeout, false);
  }

  private static CompletableFuture<RespClient> connect(EventLoopGroup group, InetSocketAddress address,
      Duration timeout, boolean ownsGroup) {
    CompletableFuture<RespClient> connected = new CompletableFuture<>();
    RespClient[] client = new RespClient[1];
    Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            client[0] = new RespClient(channel, ownsGroup ? group : null);
            channel.pipeline().addLast(new RedisEncoder(), new RedisDecoder(), new RedisBulkStringAggregator(),
                new RedisArrayAggregator(), client[0].new Replies());
          }
        });
    ChannelFuture future = bootstrap.connect(address);
    future.addListener(done -> {
      if (done.isSuccess()) {
        connected.complete(client[0]);
      } else {
        connected.completeExceptionally(done.cause());
      }
    });
    return connected;
  }

  /** Sends a command of {@code args} (as UTF-8); the future holds its reply. */
  public CompletableFuture<RespReply> send(String... args) {
    List<byte[]> bytes = new ArrayList<>(args.length);
    for (String arg : args) {
      bytes.add(arg.getBytes(StandardCharsets.UTF_8));
    }
    return send(bytes);
  }

  /**
   * Sends a command of {@code args}; the future holds its reply, or fails with an
   * {@link IOException} when the connection closes first.
   */
  public CompletableFuture<RespReply> send(List<byte[]> args) {
    List<RedisMessage> parts = new ArrayList<>(args.size());
    for (byte[] arg : args) {
      parts.add(new FullBulkStringRedisMessage(Unpooled.wrappedBuffer(arg)));
    }
    CompletableFuture<RespReply> reply = new CompletableFuture<>();
    // On the event loop, always queued (even from the loop itself): requests go out in the order
    // they join the queue of waiting replies, which is the order their replies come back in.
    channel.eventLoop().execute(() -> {
      if (closed || !channel.isActive()) {
        reply.completeExceptionally(new IOException("the connection to " + channel.remoteAddress() + " is closed"));
        return;
      }
      pending.add(reply);
      channel.write(new ArrayRedisMessage(parts), channel.voidPromise());
      if (!flushScheduled) {
        flushScheduled = true;
        channel.eventLoop().execute(() -> {
          flushScheduled = false;
          channel.flush();
        });
      }
    });
    return reply;
  }

  /** Whether the connection is open (and not being closed). */
  public boolean isOpen() {
    return !closing && channel.isActive();
  }

  /** The address this client is connected to. */
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  /**
   * Starts closing the connection without waiting: requests still waiting fail, and
   * {@link #isOpen()} is false at once.
   */
  public void closeAsync() {
    closing = true;
    channel.close();
  }

  /** Closes the connection; requests still waiting fail. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (ownGroup != null) {
      ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private void failAll(Throwable cause) {
    closed = true;
    List<CompletableFuture<RespReply>> failing = new ArrayList<>(pending);
    pending.clear();
    failing.forEach(reply -> reply.completeExceptionally(cause));
  }

  /** Matches each reply to the oldest request waiting. */
  private final class Replies extends SimpleChannelInboundHandler<RedisMessage> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RedisMessage message) {
      CompletableFuture<RespReply> reply = pending.poll();
      if (reply == null) {
        ctx.close(); // a reply nobody asked for: the peer speaks no RESP we understand
        return;
      }
      reply.complete(RespReply.of(message));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      failAll(new IOException("the connection to " + ctx.channel().remoteAddress() + " closed"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failAll(new IOException("the connection to " + ctx.channel().remoteAddress() + " failed: " + cause, cause));
      ctx.close();
    }
  }
}

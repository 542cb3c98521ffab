package io.keel.kv.resp;

import io.keel.kv.config.ClientReadMode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.redis.FixedRedisMessagePool;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's RESP2 port, which {@code redis-cli} and {@code redis-benchmark} talk to: Netty's Redis
 * codec, a {@link RequestGuard} that bounds each request, and a {@link RespConnection} per client
 * that runs {@link RespCommands}. At most {@code maxClients} connections are open at once; one
 * more is answered with an error and closed.
 */
public final class RespServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RespServer.class);
  /** The longest inline command line (as typed in telnet). */
  private static final int MAX_INLINE_BYTES = 64 * 1024;

  private final Channel listener;
  private final RespStats stats;

  private RespServer(Channel listener, RespStats stats) {
    this.listener = listener;
    this.stats = stats;
  }

  /**
   * Listens on {@code address}, serving on {@code loops}.
   *
   * @param maxArgumentBytes the longest argument gathered; a longer one is answered with an error
   * @param maxArguments the most arguments of one request; more close the connection
   * @param readMode how a new connection's reads are served
   * @throws IOException if the port cannot be bound
   */
  public static RespServer start(InetSocketAddress address, EventLoopGroup loops, RespCommands commands,
      long maxArgumentBytes, int maxArguments, int maxClients, ClientReadMode readMode) throws IOException {
    RespStats stats = commands.stats();
    AtomicLong ids = new AtomicLong();
    ServerBootstrap bootstrap = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            if (stats.openConnections() >= maxClients) {
              stats.refusedConnection();
              channel.pipeline().addLast(new RedisEncoder(), refuse(maxClients));
              return;
            }
            stats.accepted();
            ClientState state = new ClientState(ids.incrementAndGet(), readMode);
            channel.pipeline().addLast(
                new RedisEncoder(),
                new RedisDecoder(MAX_INLINE_BYTES, FixedRedisMessagePool.INSTANCE, true),
                new RequestGuard(maxArgumentBytes, maxArguments),
                new RedisBulkStringAggregator(),
                new RedisArrayAggregator(),
                new RespConnection(commands, stats, state));
          }
        });
    try {
      Channel bound = bootstrap.bind(address).syncUninterruptibly().channel();
      return new RespServer(bound, stats);
    } catch (Exception e) {
      throw new IOException("cannot listen for RESP clients on " + address + ": " + e.getMessage(), e);
    }
  }

  private static ChannelHandler refuse(int maxClients) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        LOG.warn("refusing client {}: {} connections are open", ctx.channel().remoteAddress(), maxClients);
        ctx.writeAndFlush(RespReply.error("ERR max number of clients reached").toRedis())
            .addListener(ChannelFutureListener.CLOSE);
      }
    };
  }

  /** The address the port is bound to (its real port when 0 was asked for). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** The port's counters. */
  public RespStats stats() {
    return stats;
  }

  /** Stops accepting connections; open ones are closed with the event loops, which the caller owns. */
  @Override
  public void close() {
    listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}

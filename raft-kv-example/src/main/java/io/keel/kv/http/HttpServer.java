package io.keel.kv.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The node's HTTP port: the key-value API, {@code /status} as JSON and {@code /metrics} for
 * Prometheus ({@link HttpApi}). A request body larger than a value may be is answered 413 by the
 * aggregator without being gathered.
 */
public final class HttpServer implements AutoCloseable {

  private final Channel listener;

  private HttpServer(Channel listener) {
    this.listener = listener;
  }

  /**
   * Listens on {@code address}, serving {@code api} on {@code loops}.
   *
   * @throws IOException if the port cannot be bound
   */
  public static HttpServer start(InetSocketAddress address, EventLoopGroup loops, HttpApi api, int maxBodyBytes)
      throws IOException {
    ServerBootstrap bootstrap = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                new HttpObjectAggregator(maxBodyBytes), api.handler());
          }
        });
    try {
      return new HttpServer(bootstrap.bind(address).syncUninterruptibly().channel());
    } catch (Exception e) {
      throw new IOException("cannot listen for HTTP on " + address + ": " + e.getMessage(), e);
    }
  }

  /** The address the port is bound to. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** Stops accepting connections. */
  @Override
  public void close() {
    listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}

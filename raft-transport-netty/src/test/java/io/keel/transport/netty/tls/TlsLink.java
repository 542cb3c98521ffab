package io.keel.transport.netty.tls;

import io.keel.raft.NodeId;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A TLS server on an ephemeral port of 127.0.0.1 and one client connected to it, each end with
 * an {@link IdentityCheckingHandler}; the server echoes.
 */
final class TlsLink implements AutoCloseable {

  private static final long WAIT_SECONDS = 5;

  /** The server's end of the single accepted connection, once accepted. */
  final CompletableFuture<IdentityCheckingHandler> server = new CompletableFuture<>();
  /** The client's end. */
  final IdentityCheckingHandler client;
  private final Channel serverChannel;
  private final Channel clientChannel;

  private TlsLink(EventLoopGroup group, SslContext serverTls, NodeId clientExpected,
      SslContext clientTls, NodeId serverExpected) throws InterruptedException {
    serverChannel = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            IdentityCheckingHandler end = new IdentityCheckingHandler(clientExpected, true);
            ch.pipeline().addLast(serverTls.newHandler(ch.alloc()), end);
            server.complete(end);
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .sync()
        .channel();
    client = new IdentityCheckingHandler(serverExpected, false);
    clientChannel = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(clientTls.newHandler(ch.alloc()), client);
          }
        })
        .connect(serverChannel.localAddress())
        .sync()
        .channel();
  }

  /**
   * Starts a server with {@code serverTls} that expects its client to be {@code clientExpected},
   * and connects a client with {@code clientTls} that expects the server to be {@code
   * serverExpected}.
   */
  static TlsLink open(EventLoopGroup group, TlsConfig serverTls, String clientExpected,
      TlsConfig clientTls, String serverExpected) throws InterruptedException {
    return open(group, serverTls.serverContext(), clientExpected, clientTls.clientContext(),
        serverExpected);
  }

  /** Like the other {@code open}, with contexts made elsewhere. */
  static TlsLink open(EventLoopGroup group, SslContext serverTls, String clientExpected,
      SslContext clientTls, String serverExpected) throws InterruptedException {
    return new TlsLink(group, serverTls, NodeId.of(clientExpected), clientTls,
        NodeId.of(serverExpected));
  }

  /** The server's end, waiting (boundedly) for the connection to be accepted. */
  IdentityCheckingHandler serverEnd() throws Exception {
    return server.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** The client's channel. */
  Channel clientChannel() {
    return clientChannel;
  }

  @Override
  public void close() throws InterruptedException {
    clientChannel.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
    serverChannel.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}

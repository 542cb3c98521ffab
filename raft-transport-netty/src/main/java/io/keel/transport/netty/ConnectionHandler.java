package io.keel.transport.netty;

import io.keel.raft.NodeId;
import io.keel.transport.netty.tls.PeerIdentity;
import io.keel.transport.netty.wire.Frame;
import io.keel.transport.netty.wire.FrameDecoder;
import io.keel.transport.netty.wire.ProtocolViolation;
import io.keel.transport.netty.wire.WireCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection: runs the Keel handshake and then routes messages.
 *
 * <p>The dialer (the node with the smaller id) sends HELLO with the cluster id, its own id and the
 * id it expects to reach, once TLS (if on) has completed and the server's certificate has been
 * checked. The acceptor checks all of that, plus its own certificate check of the client, and
 * answers HELLO_ACK or REJECT. Until then frames are limited to {@code handshakeFrameBytes}.
 * Afterwards every MESSAGE must come from the authenticated peer. Anything else — a frame of the
 * wrong kind, a message claiming another sender, no handshake in time — closes the connection with
 * a logged reason; the node itself is never affected. Once open, a side that has written nothing
 * for {@code pingInterval} sends a PING, and a connection on which nothing arrived for
 * {@code idleTimeout} is closed, so a peer that vanished without closing is noticed.
 *
 * <p>A peer that has not authenticated learns nothing from a refusal: its REJECT carries
 * {@link #REFUSED} only, while the reason goes to the local log (rate-limited) and the transport's
 * counters. A HELLO in the name of a peer that already has an open connection is refused unless TLS
 * proved the newcomer's identity: without TLS, anyone could claim it.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

  /** The whole of what a REJECT tells a peer that has not authenticated. */
  static final String REFUSED = "connection refused; the reason is in the refusing node's log";

  private enum State { AWAIT_TLS, AWAIT_HELLO, AWAIT_ACK, OPEN, CLOSED }

  private final NettyTransport transport;
  private final boolean dialer;
  private final FrameDecoder decoder;
  private final InboundByteCounter counter;
  private final boolean tls;
  private PeerLink link;
  private State state;
  private ScheduledFuture<?> handshakeTimer;

  /** A handler for a connection this node dialed to {@code link}'s peer. */
  static ConnectionHandler dialing(NettyTransport transport, PeerLink link, FrameDecoder decoder,
      InboundByteCounter counter, boolean tls) {
    ConnectionHandler handler = new ConnectionHandler(transport, true, decoder, counter, tls);
    handler.link = link;
    return handler;
  }

  /** A handler for a connection a peer opened to this node. */
  static ConnectionHandler accepting(NettyTransport transport, FrameDecoder decoder,
      InboundByteCounter counter, boolean tls) {
    return new ConnectionHandler(transport, false, decoder, counter, tls);
  }

  private ConnectionHandler(NettyTransport transport, boolean dialer, FrameDecoder decoder,
      InboundByteCounter counter, boolean tls) {
    this.transport = transport;
    this.dialer = dialer;
    this.decoder = decoder;
    this.counter = counter;
    this.tls = tls;
    this.state = tls ? State.AWAIT_TLS : (dialer ? State.AWAIT_ACK : State.AWAIT_HELLO);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    long timeoutMillis = transport.options().handshakeTimeout().toMillis();
    handshakeTimer = ctx.executor().schedule(
        () -> refuse(ctx, "no handshake within " + timeoutMillis + " ms"), timeoutMillis, TimeUnit.MILLISECONDS);
    if (dialer && !tls) {
      sendHello(ctx);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof SslHandshakeCompletionEvent completion) {
      onTlsHandshake(ctx, completion);
    } else if (event instanceof IdleStateEvent idle && state == State.OPEN) {
      onIdle(ctx, idle);
    } else if (event instanceof ProtocolViolation violation) {
      String reason = describe(ctx) + " sent a malformed frame: " + violation.reason();
      transport.warn(ConnectionWarning.PROTOCOL_VIOLATION, transport.self() + ": closing the connection: " + reason);
      transport.noteViolation(reason);
      if (link != null) {
        link.noteProblem(reason);
      }
      state = State.CLOSED; // the decoder closes the connection
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  /** Nothing written for a ping interval: send a PING. Nothing read for the idle timeout: close. */
  private void onIdle(ChannelHandlerContext ctx, IdleStateEvent idle) {
    if (idle.state() == IdleState.WRITER_IDLE) {
      write(ctx, Frame.Ping.INSTANCE);
    } else if (idle.state() == IdleState.READER_IDLE) {
      String reason = "nothing from " + describe(ctx) + " for "
          + transport.options().idleTimeout().toMillis() + " ms; closing the connection";
      transport.warn(ConnectionWarning.CONNECTION_LOST, transport.self() + ": " + reason);
      link.noteProblem(reason);
      state = State.CLOSED;
      ctx.close();
    }
  }

  private void onTlsHandshake(ChannelHandlerContext ctx, SslHandshakeCompletionEvent completion) {
    if (!completion.isSuccess()) {
      String reason = describe(ctx) + ": TLS handshake failed: " + completion.cause().getMessage();
      transport.noteRefusal(reason);
      if (link != null) {
        link.noteProblem(reason);
      }
      transport.warn(ConnectionWarning.TLS_FAILURE, transport.self() + ": " + reason);
      state = State.CLOSED;
      ctx.close();
      return;
    }
    if (dialer) {
      String problem = checkCertificate(sslSession(ctx), link.peer);
      if (problem != null) {
        refuse(ctx, problem);
        return;
      }
      state = State.AWAIT_ACK;
      sendHello(ctx);
    } else {
      state = State.AWAIT_HELLO;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Frame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (state == State.OPEN && frame instanceof Frame.MessageFrame message) {
      route(ctx, message);
    } else if (state == State.OPEN && frame instanceof Frame.Ping) {
      // a sign of life: the idle timer has already seen the bytes
    } else if (frame instanceof Frame.Reject reject) {
      onReject(ctx, reject);
    } else if (state == State.AWAIT_HELLO && frame instanceof Frame.Hello hello) {
      onHello(ctx, hello);
    } else if (state == State.AWAIT_ACK && frame instanceof Frame.HelloAck ack) {
      onAck(ctx, ack);
    } else if (state != State.CLOSED) {
      violation(ctx, "unexpected " + frame.getClass().getSimpleName() + " while " + state);
    }
  }

  private void onHello(ChannelHandlerContext ctx, Frame.Hello hello) {
    String problem = checkHello(hello, tls ? sslSession(ctx) : null);
    if (problem != null) {
      refuse(ctx, describe(ctx) + ": " + problem);
      return;
    }
    PeerLink claimed = transport.link(hello.from());
    if (claimed == null || claimed.isRemoved()) { // removed since checkHello looked
      refuse(ctx, describe(ctx) + ": node " + hello.from() + " is not a configured peer of " + transport.self());
      return;
    }
    SocketAddress open = claimed.remoteAddress();
    // Only TLS proves who is calling: without it, the connection already open keeps its place.
    if (!claimed.attach(ctx.channel(), tls)) {
      if (claimed.isRemoved()) {
        refuse(ctx, describe(ctx) + ": node " + hello.from() + " stopped being a peer of " + transport.self()
            + " during the handshake");
        return;
      }
      refuse(ctx, "unknown peer (" + ctx.channel().remoteAddress() + "): a connection in the name of "
          + hello.from() + ", which already has an open connection (" + open + "); without TLS nothing "
          + "proves the newcomer is " + hello.from() + ", so the open connection is kept");
      return;
    }
    link = claimed;
    write(ctx, new Frame.HelloAck(transport.clusterId(), transport.self()));
    open(ctx);
  }

  /** Why {@code hello} must be refused, or null to accept it (the open-connection rule aside). */
  private String checkHello(Frame.Hello hello, SSLSession session) {
    NodeId self = transport.self();
    if (transport.isCutOff()) {
      return "this node is cut off";
    }
    if (!hello.clusterId().equals(transport.clusterId())) {
      return "node " + hello.from() + " belongs to cluster '" + hello.clusterId() + "', not '"
          + transport.clusterId() + "'";
    }
    if (!hello.to().equals(self)) {
      return "node " + hello.from() + " wanted " + hello.to() + " but reached " + self;
    }
    PeerLink claimed = transport.link(hello.from());
    if (claimed == null) {
      return "node " + hello.from() + " is not a configured peer of " + self;
    }
    if (claimed.dials) {
      return "node " + hello.from() + " dialed, but " + self + " dials it (the smaller id dials)";
    }
    return session == null ? null : checkCertificate(session, hello.from());
  }

  /** Why the TLS peer of {@code session} is not {@code expected}, or null if it is. */
  private static String checkCertificate(SSLSession session, NodeId expected) {
    try {
      PeerIdentity.check(session, expected);
      return null;
    } catch (Exception e) {
      return "certificate check failed for " + expected + ": " + e.getMessage();
    }
  }

  private void onAck(ChannelHandlerContext ctx, Frame.HelloAck ack) {
    if (!ack.clusterId().equals(transport.clusterId())) {
      refuse(ctx, link.peer + " at " + link.address + " belongs to cluster '" + ack.clusterId()
          + "', not '" + transport.clusterId() + "'");
    } else if (!ack.node().equals(link.peer)) {
      refuse(ctx, link.address + " is node " + ack.node() + ", not the expected " + link.peer);
    } else if (!link.attach(ctx.channel(), true)) { // this node dialed the peer's address: the newest dial wins
      refuse(ctx, link.peer + " at " + link.address + " stopped being a peer of " + transport.self()
          + " during the handshake");
    } else {
      open(ctx);
    }
  }

  /** The handshake succeeded and the connection is the peer's: raise the limits, watch liveness. */
  private void open(ChannelHandlerContext ctx) {
    state = State.OPEN;
    handshakeTimer.cancel(false);
    decoder.raiseLimit(transport.options().maxFrameBytes());
    ctx.pipeline().addBefore(ctx.name(), "idle", new IdleStateHandler(
        transport.options().idleTimeout().toMillis(), transport.options().pingInterval().toMillis(), 0,
        TimeUnit.MILLISECONDS));
    counter.authenticated(link);
    LOG.info("{}: connected to {} ({})", transport.self(), link.peer, ctx.channel().remoteAddress());
  }

  private void route(ChannelHandlerContext ctx, Frame.MessageFrame frame) {
    if (!frame.message().from().equals(link.peer)) {
      violation(ctx, "a message claims to come from " + frame.message().from()
          + " on the connection of " + link.peer);
      return;
    }
    link.messagesIn.increment();
    transport.receiver().receive(frame.group(), frame.message());
  }

  private void onReject(ChannelHandlerContext ctx, Frame.Reject reject) {
    String reason = describe(ctx) + " refused the connection: " + printable(reject.reason());
    transport.warn(ConnectionWarning.REFUSED_BY_PEER, transport.self() + ": " + reason);
    transport.noteRefusal(reason);
    if (link != null) {
      link.noteProblem(reason);
    }
    state = State.CLOSED;
    ctx.close();
  }

  /** Refuses the connection at the handshake: logs and counts why, then closes. */
  private void refuse(ChannelHandlerContext ctx, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    transport.warn(ConnectionWarning.REFUSED_CONNECTION, transport.self() + ": refusing connection: " + reason);
    transport.noteRefusal(reason);
    closeWith(ctx, reason);
  }

  private void violation(ChannelHandlerContext ctx, String reason) {
    String described = describe(ctx) + ": " + reason;
    transport.warn(ConnectionWarning.PROTOCOL_VIOLATION, transport.self() + ": closing connection: " + described);
    transport.noteViolation(described);
    closeWith(ctx, reason);
  }

  /**
   * Sends a REJECT, then closes. Only an authenticated peer is told {@code reason}; any other gets
   * {@link #REFUSED}, so that a stranger learns neither the cluster id nor any node id.
   */
  private void closeWith(ChannelHandlerContext ctx, String reason) {
    if (link != null) {
      link.noteProblem(reason);
    }
    String told = state == State.OPEN ? reason : REFUSED;
    state = State.CLOSED;
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    ByteBuf frame = ctx.alloc().ioBuffer();
    WireCodec.encode(Frame.Reject.fitting(told), frame);
    ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
  }

  private void sendHello(ChannelHandlerContext ctx) {
    write(ctx, new Frame.Hello(transport.clusterId(), transport.self(), link.peer));
  }

  private static void write(ChannelHandlerContext ctx, Frame frame) {
    ByteBuf buffer = ctx.alloc().ioBuffer();
    WireCodec.encode(frame, buffer);
    ctx.writeAndFlush(buffer);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    state = State.CLOSED;
    if (link != null) {
      link.detach(ctx.channel());
      if (dialer) {
        link.scheduleReconnect();
      }
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && state == State.OPEN) {
      link.scheduleFlush(ctx.channel());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      LOG.debug("{}: connection error: {}", describe(ctx), cause.toString());
    } else {
      transport.warn(ConnectionWarning.CONNECTION_ERROR,
          transport.self() + ": " + describe(ctx) + ": closing connection after an error: " + cause);
    }
    if (link != null) {
      link.noteProblem(cause.toString());
    }
    ctx.close();
  }

  private SSLSession sslSession(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    return ssl == null ? null : ssl.engine().getSession();
  }

  /** The peer's text with control characters replaced, so it cannot forge log lines. */
  private static String printable(String untrusted) {
    StringBuilder text = new StringBuilder(untrusted.length());
    untrusted.codePoints().forEach(c -> text.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return text.toString();
  }

  private String describe(ChannelHandlerContext ctx) {
    String peer = link == null ? "unknown peer" : link.peer.toString();
    return peer + " (" + ctx.channel().remoteAddress() + ")";
  }
}

package io.keel.transport.netty;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import io.keel.transport.netty.wire.Frame;
import io.keel.transport.netty.wire.WireCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** PINGs keep idle connections open; a peer that goes silent is dropped after the idle timeout. */
class IdleConnectionTest {

  private static final TransportOptions FAST = TransportOptions.defaults()
      .withLiveness(Duration.ofMillis(100), Duration.ofMillis(500));

  @Test
  void a_peer_that_goes_silent_after_the_handshake_is_pinged_then_dropped() throws Exception {
    NodeId self = NodeId.of("n1");
    NodeId silent = NodeId.of("n2");
    try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        NettyTransport transport = NettyTransport.builder(self).clusterId("idle")
            .listen(new InetSocketAddress("127.0.0.1", 0)).receiver((g, m) -> { }).options(FAST).start()) {
      transport.addPeer(silent, (InetSocketAddress) listener.getLocalSocketAddress());
      try (Socket connection = listener.accept()) {
        connection.setSoTimeout(5_000);
        DataInputStream in = new DataInputStream(connection.getInputStream());
        assertInstanceOf(Frame.Hello.class, readFrame(in));
        ByteBuf ack = Unpooled.buffer();
        WireCodec.encode(new Frame.HelloAck("idle", silent), ack);
        connection.getOutputStream().write(ByteBufBytes.of(ack));
        // From now on this peer sends nothing. The transport pings it, then gives up on it.
        long start = System.nanoTime();
        int pings = 0;
        try {
          while (true) {
            assertEquals(Frame.Ping.INSTANCE, readFrame(in));
            pings++;
          }
        } catch (EOFException closedByTheTransport) {
          long millis = (System.nanoTime() - start) / 1_000_000;
          assertTrue(pings >= 2, "pinged " + pings + " times before closing");
          assertTrue(millis >= 400 && millis < 4_000, "closed after " + millis + " ms");
        }
      }
      String problem = transport.stats().peer(silent).orElseThrow().lastProblem().orElseThrow();
      assertTrue(problem.startsWith("nothing from n2"), problem);
    }
  }

  @Test
  void pings_keep_a_connection_without_traffic_open() throws Exception {
    NodeId a = NodeId.of("a");
    NodeId b = NodeId.of("b");
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    try (NettyTransport first = NettyTransport.builder(a).clusterId("idle").listen(any).receiver((g, m) -> { })
            .options(FAST).start();
        NettyTransport second = NettyTransport.builder(b).clusterId("idle").listen(any).receiver((g, m) -> { })
            .options(FAST).start()) {
      second.addPeer(a, first.localAddress());
      first.addPeer(b, second.localAddress());
      await().atMost(Duration.ofSeconds(5)).until(() -> first.isConnected(b) && second.isConnected(a));
      // Nothing but PINGs flows now. Wait until each side has received twice as many as fit in one
      // idle timeout (500 ms / 100 ms): the connection has outlived the timeout on pings alone.
      ByteBuf ping = Unpooled.buffer();
      WireCodec.encode(Frame.Ping.INSTANCE, ping);
      long pingBytes = ping.readableBytes();
      ping.release();
      long pings = 2 * FAST.idleTimeout().toMillis() / FAST.pingInterval().toMillis();
      long firstBase = first.stats().peer(b).orElseThrow().bytesIn();
      long secondBase = second.stats().peer(a).orElseThrow().bytesIn();
      await().atMost(Duration.ofSeconds(10)).until(() ->
          first.stats().peer(b).orElseThrow().bytesIn() >= firstBase + pings * pingBytes
              && second.stats().peer(a).orElseThrow().bytesIn() >= secondBase + pings * pingBytes);
      assertTrue(first.isConnected(b) && second.isConnected(a));
      assertEquals(1, first.stats().peer(b).orElseThrow().connections(), "no connection was dropped and redialed");
      assertEquals(1, second.stats().peer(a).orElseThrow().connections());
    }
  }

  private static Frame readFrame(DataInputStream in) throws Exception {
    byte[] body = new byte[in.readInt()];
    in.readFully(body);
    return WireCodec.decode(Unpooled.wrappedBuffer(body));
  }

  /** Copies a buffer's readable bytes. */
  private static final class ByteBufBytes {
    static byte[] of(ByteBuf buffer) {
      byte[] bytes = new byte[buffer.readableBytes()];
      buffer.readBytes(bytes);
      return bytes;
    }
  }
}

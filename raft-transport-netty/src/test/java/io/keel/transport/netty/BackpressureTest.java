package io.keel.transport.netty;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.transport.netty.wire.Frame;
import io.keel.transport.netty.wire.WireCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A peer that completes the handshake and then stops reading: the sender's queue for it stays
 * within its bounds and the excess is dropped and counted, never buffered without limit.
 */
class BackpressureTest {

  private static final NodeId SELF = NodeId.of("n1");
  private static final NodeId SLOW = NodeId.of("n2");
  private static final GroupId GROUP = GroupId.of("g");

  @Test
  void a_peer_that_stops_reading_fills_a_bounded_queue_and_the_rest_is_dropped_and_counted() throws Exception {
    TransportOptions options = TransportOptions.defaults().withOutboundQueue(64, 1 << 20);
    try (ServerSocket slowPeer = new ServerSocket()) {
      slowPeer.setReceiveBufferSize(64 * 1024);
      slowPeer.bind(new InetSocketAddress("127.0.0.1", 0));
      NettyTransport transport = NettyTransport.builder(SELF)
          .clusterId("bp")
          .listen(new InetSocketAddress("127.0.0.1", 0))
          .receiver((group, message) -> { })
          .options(options)
          .start();
      try {
        AppendEntries append = bigAppend();
        transport.send(GROUP, SLOW, append); // not a peer yet
        assertEquals(1, transport.droppedForUnknownPeer());
        assertEquals(Set.of(SLOW), transport.stats().unknownPeers(), "named, not only counted");

        transport.addPeer(SLOW, (InetSocketAddress) slowPeer.getLocalSocketAddress());
        assertEquals(Set.of(), transport.stats().unknownPeers());
        try (Socket connection = slowPeer.accept()) {
          handshake(connection);
          await().atMost(Duration.ofSeconds(5)).until(() -> transport.isConnected(SLOW));

          int sent = 3000; // about 300 MB offered to a peer that reads nothing
          for (int i = 0; i < sent; i++) {
            transport.send(GROUP, SLOW, append);
            PeerStats stats = transport.stats().peer(SLOW).orElseThrow();
            assertTrue(stats.queuedMessages() <= 64, "queue over its bound: " + stats);
          }
          await().atMost(Duration.ofSeconds(10)).until(() -> {
            PeerStats stats = transport.stats().peer(SLOW).orElseThrow();
            return stats.messagesOut() + stats.droppedQueueFull() + stats.queuedMessages() == sent;
          });
          PeerStats stats = transport.stats().peer(SLOW).orElseThrow();
          assertTrue(stats.droppedQueueFull() > sent / 2, "most must be dropped: " + stats);
          assertTrue(stats.bytesOut() < 64L << 20, "what was written is bounded by socket buffers: " + stats);
          assertTrue(stats.connected());
        }
      } finally {
        transport.close();
      }
    }
  }

  private static AppendEntries bigAppend() {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      entries.add(LogEntry.command(i, 1, new byte[10_000]));
    }
    return new AppendEntries(1, SELF, 0, 0, entries, 0);
  }

  /** Reads the dialer's HELLO and accepts it, speaking the wire format by hand. */
  private static void handshake(Socket connection) throws Exception {
    DataInputStream in = new DataInputStream(connection.getInputStream());
    byte[] body = new byte[in.readInt()];
    in.readFully(body);
    Frame.Hello hello = assertInstanceOf(Frame.Hello.class, WireCodec.decode(Unpooled.wrappedBuffer(body)));
    assertEquals(SELF, hello.from());
    assertEquals(SLOW, hello.to());
    ByteBuf ack = Unpooled.buffer();
    WireCodec.encode(new Frame.HelloAck("bp", SLOW), ack);
    byte[] bytes = new byte[ack.readableBytes()];
    ack.readBytes(bytes);
    try {
      connection.getOutputStream().write(bytes);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}

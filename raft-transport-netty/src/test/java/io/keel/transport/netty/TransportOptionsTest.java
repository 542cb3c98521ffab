package io.keel.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import io.keel.transport.netty.wire.FrameSizes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransportOptionsTest {

  @Test
  void each_invalid_setting_is_refused_with_its_name_and_range() {
    TransportOptions defaults = TransportOptions.defaults();
    assertMessage(() -> defaults.withMaxFrameBytes(1000), "maxFrameBytes must be in [65536, 1073741824], got 1000");
    assertMessage(() -> defaults.withOutboundQueue(1, 1 << 20), "outboundQueueMessages must be in [16, 1048576], got 1");
    assertMessage(() -> defaults.withOutboundQueue(64, 10), "outboundQueueBytes must be in [65536, 4294967296], got 10");
    assertMessage(() -> defaults.withReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)),
        "reconnectBackoffMax (1000 ms) must be at least reconnectBackoffMin (2000 ms): "
            + "the backoff grows from the minimum to the maximum");
    assertMessage(() -> defaults.withIoThreads(0), "ioThreads must be in [1, 64], got 0");
    assertMessage(() -> defaults.withHandshakeTimeout(Duration.ZERO), "handshakeTimeout must be in [10 ms, 60000 ms], got 0 ms");
    assertMessage(() -> defaults.withLiveness(Duration.ofSeconds(1), Duration.ofMillis(1500)),
        "idleTimeout (1500 ms) must be at least 2 times pingInterval (1000 ms): "
            + "so that a live but quiet peer's PINGs keep its connection open");
    assertMessage(() -> defaults.withLiveness(Duration.ofMillis(5), Duration.ofSeconds(1)),
        "pingInterval must be in [10 ms, 60000 ms], got 5 ms");
  }

  @Test
  void a_transport_refuses_a_bad_cluster_id_a_missing_receiver_and_a_busy_port() throws IOException {
    NodeId self = NodeId.of("n1");
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    assertMessage(() -> NettyTransport.builder(self).clusterId("no spaces").listen(any).receiver((g, m) -> { }).start(),
        "cluster id may hold only letters, digits, '.', '_' and '-', got 'no spaces'");
    assertMessage(() -> NettyTransport.builder(self).clusterId("c").listen(any).start(), "receiver is required");
    try (NettyTransport first = NettyTransport.builder(self).clusterId("c").listen(any).receiver((g, m) -> { }).start()) {
      IOException busy = assertThrows(IOException.class, () -> NettyTransport.builder(NodeId.of("n2")).clusterId("c")
          .listen(first.localAddress()).receiver((g, m) -> { }).start());
      assertTrue(busy.getMessage().startsWith("n2: cannot listen on " + first.localAddress()), busy.getMessage());
      assertThrows(IllegalArgumentException.class, () -> first.addPeer(self, any));
    }
  }

  @Test
  void a_builder_refuses_itself_as_a_peer_or_a_peer_listed_twice_before_it_binds_the_port() throws Exception {
    NodeId self = NodeId.of("n1");
    InetSocketAddress listen = freeLoopbackAddress();
    InetSocketAddress elsewhere = new InetSocketAddress("127.0.0.1", 9);
    assertMessage(() -> NettyTransport.builder(self).clusterId("c").listen(listen).receiver((g, m) -> { })
        .peer(NodeId.of("n2"), elsewhere).peer(self, elsewhere).start(),
        "peer n1 is this node itself; list only the other nodes");
    assertPortFree(listen);
    assertMessage(() -> NettyTransport.builder(self).clusterId("c").listen(listen).receiver((g, m) -> { })
        .peer(NodeId.of("n2"), elsewhere).peer(NodeId.of("n2"), new InetSocketAddress("127.0.0.1", 10)).start(),
        "peer n2 is listed twice");
    assertPortFree(listen);
    assertMessage(() -> NettyTransport.builder(self).clusterId("c").listen(listen).receiver((g, m) -> { })
        .peer(NodeId.of("n2"), null).start(),
        "peer 1: both the node id and the address are required, got n2 at null");
    assertPortFree(listen);
  }

  @Test
  void the_largest_hello_and_a_refusal_fit_the_smallest_handshake_frame_limit() {
    int smallest = 256;
    assertMessage(() -> new TransportOptions(16 << 20, smallest - 1, 8192, 64L << 20, Duration.ofSeconds(1),
        Duration.ofSeconds(3), Duration.ofMillis(50), Duration.ofSeconds(2), 1, true, Duration.ofSeconds(1),
        Duration.ofSeconds(10)), "handshakeFrameBytes must be in [256, 65536], got 255");
    assertTrue(FrameSizes.largestHelloBodyBytes() <= smallest, "HELLO: " + FrameSizes.largestHelloBodyBytes());
    assertTrue(FrameSizes.rejectBodyBytes(ConnectionHandler.REFUSED) <= smallest);
  }

  private static InetSocketAddress freeLoopbackAddress() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress("127.0.0.1", probe.getLocalPort());
    }
  }

  /** Binding the port ourselves proves that the refused builder did not leave it bound. */
  private static void assertPortFree(InetSocketAddress address) throws IOException {
    try (ServerSocket bound = new ServerSocket()) {
      bound.bind(address);
      assertEquals(address.getPort(), bound.getLocalPort());
    }
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertMessage(Call call, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertEquals(message, e.getMessage());
  }
}

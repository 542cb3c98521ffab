package io.keel.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import java.io.IOException;
import java.net.InetSocketAddress;
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
        "reconnectBackoffMax must be in [2000 ms, 600000 ms], got 1000 ms");
    assertMessage(() -> defaults.withIoThreads(0), "ioThreads must be in [1, 64], got 0");
    assertMessage(() -> defaults.withHandshakeTimeout(Duration.ZERO), "handshakeTimeout must be in [10 ms, 60000 ms], got 0 ms");
    assertMessage(() -> defaults.withLiveness(Duration.ofSeconds(1), Duration.ofMillis(1500)),
        "idleTimeout must be in [2000 ms, 600000 ms], got 1500 ms");
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

  private interface Call {
    void run() throws Exception;
  }

  private static void assertMessage(Call call, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertEquals(message, e.getMessage());
  }
}

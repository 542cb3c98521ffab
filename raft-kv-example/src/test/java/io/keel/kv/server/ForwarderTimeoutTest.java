package io.keel.kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvLimits;
import io.keel.kv.store.KvStore;
import io.keel.raft.NodeId;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Found by the fault test (seed 3, 2026-12-01): after a spell of packet loss, a connection to a
 * leader could sit in TCP's retransmission backoff for minutes, and forwarded requests on it never
 * came back. A forwarded request now times out, and the connection that let it is replaced.
 */
class ForwarderTimeoutTest {

  @Test
  void a_request_without_a_reply_times_out_and_the_next_one_dials_afresh() throws Exception {
    NioEventLoopGroup loops = new NioEventLoopGroup(1);
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (!silent.isClosed()) {
            accepted.add(silent.accept()); // reads nothing, answers nothing
          }
        } catch (java.io.IOException e) {
          // closed: done
        }
      }, "silent-leader");
      acceptor.setDaemon(true);
      acceptor.start();
      KvCommand.Announce leader = new KvCommand.Announce("n2", "127.0.0.1:" + silent.getLocalPort(), "");
      try (Forwarder forwarder = new Forwarder(loops, node -> Optional.of(leader),
          new KvStore(KvLimits.DEFAULTS).codec(), Duration.ofSeconds(2), Duration.ofMillis(300))) {
        List<byte[]> ping = List.of("PING".getBytes(StandardCharsets.US_ASCII));
        for (int attempt = 1; attempt <= 2; attempt++) {
          ExecutionException failed = assertThrows(ExecutionException.class,
              () -> forwarder.send(NodeId.of("n2"), ping, Duration.ofMillis(300)).get(10, TimeUnit.SECONDS));
          assertInstanceOf(java.util.concurrent.TimeoutException.class, WriteFailure.unwrap(failed));
          int dialed = attempt;
          Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() >= dialed);
          assertEquals(attempt, accepted.size(), "each timed-out request's connection is closed; the next dials again");
        }
      }
      for (Socket socket : accepted) {
        socket.close();
      }
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}

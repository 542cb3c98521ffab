package io.keel.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.server.KvCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes that are no RESP close only the connection that sent them, and are counted; inline commands work. */
class HostileClientTest {

  @TempDir
  static Path dir;
  static KvCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new KvCluster(dir, 1, 1, builder -> builder);
    cluster.awaitReady(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void garbage_closes_that_connection_alone() throws Exception {
    try (RespClient bystander = cluster.client(0)) {
      assertEquals(RespReply.OK, bystander.send("SET", "kept", "yes").get(10, TimeUnit.SECONDS));
      long refusedBefore = cluster.node(0).respStats().refusedInput();
      for (String garbage : new String[] {"*1\r\n$abc\r\n", "*2000000000\r\n", "*2\r\n*1\r\n$1\r\na\r\n",
          "$-7\r\n", ":notanumber\r\n"}) {
        assertEquals("", exchange(garbage), "closed without a reply: " + garbage.replace("\r\n", "\\r\\n"));
      }
      assertEquals(refusedBefore + 5, cluster.node(0).respStats().refusedInput());
      assertEquals(RespReply.bulk("yes"), bystander.send("GET", "kept").get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void inline_commands_as_typed_in_telnet() throws Exception {
    assertEquals("+PONG\r\n", exchange("PING\r\nQUIT\r\n").substring(0, 7));
    assertTrue(exchange("SET inline typed\r\nGET inline\r\nQUIT\r\n").startsWith("+OK\r\n$5\r\ntyped\r\n+OK\r\n"));
  }

  /** Sends {@code request} and reads until the server closes the connection (within 10 s). */
  private static String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", cluster.respPort(0))) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

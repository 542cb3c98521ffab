package io.keel.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The delay proxy on loopback, in this process and as a child process: bytes, delays, order, bounds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DelayProxyTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final InetSocketAddress ANY_PORT = new InetSocketAddress(LOOPBACK, 0);
  private static final long DELAY_MILLIS = 200;
  private static final long SLOW_MILLIS = 2_000;

  private ServerSocket echoServer;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void startEchoServer() throws IOException {
    echoServer = new ServerSocket(0, 50, LOOPBACK);
    threads.execute(() -> {
      try {
        while (true) {
          Socket connection = echoServer.accept();
          threads.execute(() -> NetworkEchoServer.echo(connection));
        }
      } catch (IOException closed) {
        // The test is over.
      }
    });
  }

  @AfterEach
  void stopEchoServer() throws IOException, InterruptedException {
    echoServer.close();
    threads.shutdownNow();
    assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS), "the test's threads end");
  }

  private InetSocketAddress echoAddress() {
    return (InetSocketAddress) echoServer.getLocalSocketAddress();
  }

  private static Socket connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket(address.getAddress(), address.getPort());
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends one byte and waits for it to come back; returns how long that took. */
  private static long roundTripMillis(Socket socket) throws IOException {
    long start = System.nanoTime();
    socket.getOutputStream().write('x');
    assertEquals('x', socket.getInputStream().read(), "the echo");
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /** Waits until the proxy holds back {@code bytes} bytes (it has read them); fails after five seconds. */
  private static void awaitHeldBytes(DelayProxy proxy, long bytes) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (proxy.heldBytes() != bytes) {
      assertTrue(System.nanoTime() < deadline, "held back: " + proxy.heldBytes() + " bytes, not " + bytes);
      Thread.onSpinWait();
    }
  }

  @Test
  void whenNoDelay_thenBytesPassBothWaysUnchangedAndEndOfStreamToo() throws Exception {
    byte[] sent = new byte[3 << 20];
    new Random(42).nextBytes(sent);
    try (DelayProxy proxy = DelayProxy.start(ANY_PORT, echoAddress()); Socket client = connect(proxy.listenAddress())) {
      Future<?> writing = threads.submit(() -> {
        try {
          client.getOutputStream().write(sent);
          client.shutdownOutput();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      byte[] received = client.getInputStream().readAllBytes();
      writing.get(10, TimeUnit.SECONDS);
      assertArrayEquals(sent, received);
    }
  }

  @Test
  void whenInboundDelayed_thenRoundTripTakesTheDelay_andClearRestores() throws IOException {
    try (DelayProxy proxy = DelayProxy.start(ANY_PORT, echoAddress()); Socket client = connect(proxy.listenAddress())) {
      assertEquals("ok", proxy.command("in " + LOOPBACK.getHostAddress() + " " + DELAY_MILLIS));
      long delayed = roundTripMillis(client);
      assertTrue(delayed >= DELAY_MILLIS && delayed < SLOW_MILLIS, "delayed round trip: " + delayed + " ms");
      assertEquals("ok", proxy.command("clear"));
      long cleared = roundTripMillis(client);
      assertTrue(cleared < DELAY_MILLIS, "round trip after clear: " + cleared + " ms");
    }
  }

  @Test
  void whenOutboundDelayed_thenRoundTripTakesTheDelay() throws IOException {
    try (DelayProxy proxy = DelayProxy.start(ANY_PORT, echoAddress()); Socket client = connect(proxy.listenAddress())) {
      assertEquals("ok", proxy.command("out " + LOOPBACK.getHostAddress() + " " + DELAY_MILLIS));
      long delayed = roundTripMillis(client);
      assertTrue(delayed >= DELAY_MILLIS && delayed < SLOW_MILLIS, "delayed round trip: " + delayed + " ms");
      assertEquals("ok", proxy.command("out " + LOOPBACK.getHostAddress() + " 0"));
      assertTrue(roundTripMillis(client) < DELAY_MILLIS, "a zero delay is none");
    }
  }

  @Test
  void whenAnotherRemoteIsDelayed_thenThisConnectionIsNot() throws IOException {
    try (DelayProxy proxy = DelayProxy.start(ANY_PORT, echoAddress()); Socket client = connect(proxy.listenAddress())) {
      assertEquals("ok", proxy.command("in 10.0.0.9 " + DELAY_MILLIS));
      assertEquals("ok", proxy.command("out 10.0.0.9 " + DELAY_MILLIS));
      long roundTrip = roundTripMillis(client);
      assertTrue(roundTrip < DELAY_MILLIS, "round trip: " + roundTrip + " ms");
    }
  }

  @Test
  void whenDelayShrinks_thenLaterBytesStillFollowEarlierOnes() throws IOException {
    try (DelayProxy proxy = DelayProxy.start(ANY_PORT, echoAddress()); Socket client = connect(proxy.listenAddress())) {
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      long start = System.nanoTime();
      proxy.setInboundDelay(LOOPBACK, Duration.ofMillis(DELAY_MILLIS));
      out.write('a');
      awaitHeldBytes(proxy, 1);
      proxy.clearDelays();
      out.write('b');
      assertEquals('a', in.read());
      assertEquals('b', in.read());
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(elapsed >= DELAY_MILLIS, "the first byte was held back: " + elapsed + " ms");
    }
  }

  @Test
  void whenCommandIsMalformed_thenTheAnswerIsAnError() throws IOException {
    try (DelayProxy proxy = DelayProxy.start(ANY_PORT, echoAddress())) {
      for (String command : List.of("bogus", "in 127.0.0.1", "in 127.0.0.1 -5", "out 127.0.0.1 many",
          "in 127.0.0.1 " + (DelayProxy.DELAY_MAX.toMillis() + 1), "clear now")) {
        assertTrue(proxy.command(command).startsWith("error "), command);
      }
      assertThrows(IllegalArgumentException.class, () -> proxy.setInboundDelay(LOOPBACK, Duration.ofMillis(-1)));
    }
  }

  @Test
  void whenTargetIsDown_thenTheClientsConnectionCloses() throws IOException {
    InetSocketAddress nowhere;
    try (ServerSocket unused = new ServerSocket(0, 1, LOOPBACK)) {
      nowhere = (InetSocketAddress) unused.getLocalSocketAddress();
    }
    try (DelayProxy proxy = DelayProxy.start(ANY_PORT, nowhere); Socket client = connect(proxy.listenAddress())) {
      int read;
      try {
        read = client.getInputStream().read();
      } catch (SocketException reset) {
        read = -1;
      }
      assertEquals(-1, read, "the connection ends");
    }
  }

  @Test
  void whenHeldBytesReachTheBound_thenTheProxyStopsReading() throws Exception {
    int heldBytesMax = 1 << 20;
    long attemptedBytes = 64L << 20;
    long kernelBuffersBytesMax = 20L << 20; // both sockets' buffers on loopback, autotuned to a few MiB each
    AtomicLong writtenBytes = new AtomicLong();
    try (DelayProxy proxy = DelayProxy.start(ANY_PORT, echoAddress(), heldBytesMax);
        Socket client = connect(proxy.listenAddress())) {
      proxy.setInboundDelay(LOOPBACK, DelayProxy.DELAY_MAX);
      Future<?> writing = threads.submit(() -> {
        byte[] chunk = new byte[64 << 10];
        try {
          while (writtenBytes.get() < attemptedBytes) {
            client.getOutputStream().write(chunk);
            writtenBytes.addAndGet(chunk.length);
          }
        } catch (IOException e) {
          // The socket was closed at the end of the test.
        }
      });
      assertThrows(TimeoutException.class, () -> writing.get(3, TimeUnit.SECONDS), "the writer is blocked");
      long written = writtenBytes.get();
      assertTrue(written > heldBytesMax && written < heldBytesMax + kernelBuffersBytesMax, "written: " + written);
    }
  }

  @Test
  void whenRunAsAProcess_thenItIsDrivenThroughItsStandardInput() throws IOException {
    try (DelayProxyProcess process = DelayProxyProcess.start(ANY_PORT, echoAddress(), command -> command,
        "the test's proxy")) {
      InetSocketAddress listening = process.awaitListening(Duration.ofSeconds(30));
      try (Socket client = connect(listening)) {
        process.send("in " + LOOPBACK.getHostAddress() + " " + DELAY_MILLIS);
        long delayed = roundTripMillis(client);
        assertTrue(delayed >= DELAY_MILLIS && delayed < SLOW_MILLIS, "delayed round trip: " + delayed + " ms");
        process.send("clear");
        assertTrue(roundTripMillis(client) < DELAY_MILLIS, "cleared");
        assertThrows(IOException.class, () -> process.send("bogus"));
      }
    }
  }
}

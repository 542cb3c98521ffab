package io.keel.transport.netty;

import java.time.Duration;
import java.util.Objects;

/**
 * The transport's tunables. Every field has a default ({@link #defaults()}) and an allowed range,
 * checked on construction with the field's name; docs/operations.md lists them all.
 *
 * @param maxFrameBytes the largest frame accepted or sent once a connection is authenticated;
 *     must hold the largest AppendEntries of every group ({@code RaftConfig.maxBytesPerAppend} or
 *     one command of {@code GroupOptions.maxCommandBytes}, plus the codec's framing), which
 *     {@code RaftRuntime.startGroup} checks. Default 16 MiB, range 64 KiB to 1 GiB
 * @param handshakeFrameBytes the largest frame accepted before the handshake completes, so an
 *     unauthenticated peer can never make a node buffer much. Default 1 KiB, range 256 B to 64 KiB
 * @param outboundQueueMessages the most messages queued for one peer; more are dropped and
 *     counted. Default 8,192, range 16 to 1,048,576
 * @param outboundQueueBytes the most bytes (estimated) queued for one peer; more are dropped and
 *     counted. Must hold every group's largest AppendEntries, which {@code RaftRuntime.startGroup}
 *     checks. Default 64 MiB, range 64 KiB to 4 GiB
 * @param connectTimeout how long one connection attempt may take. Default 1 s, range 10 ms to 60 s
 * @param handshakeTimeout how long a new connection may take to finish TLS and the Keel
 *     handshake. Default 3 s, range 10 ms to 60 s
 * @param reconnectBackoffMin the first delay before reconnecting; it doubles with each failure,
 *     with jitter. Default 50 ms, range 1 ms to 60 s
 * @param reconnectBackoffMax the longest delay before reconnecting. Default 2 s, at least
 *     {@code reconnectBackoffMin}, at most 10 min
 * @param ioThreads Netty I/O threads. Default 1, range 1 to 64
 * @param nativeTransport whether to use Linux epoll when it is available (NIO otherwise).
 *     Default true
 * @param pingInterval after the handshake, a side that has written nothing for this long sends
 *     a PING. Default 1 s, range 10 ms to 60 s
 * @param idleTimeout after the handshake, a connection on which nothing arrived for this long is
 *     closed (and redialed by its dialer): it catches peers that vanished without closing. Default
 *     10 s, at least twice {@code pingInterval}, at most 10 min
 */
public record TransportOptions(
    int maxFrameBytes,
    int handshakeFrameBytes,
    int outboundQueueMessages,
    long outboundQueueBytes,
    Duration connectTimeout,
    Duration handshakeTimeout,
    Duration reconnectBackoffMin,
    Duration reconnectBackoffMax,
    int ioThreads,
    boolean nativeTransport,
    Duration pingInterval,
    Duration idleTimeout) {

  /** Checks every field against its range. */
  public TransportOptions {
    requireRange("maxFrameBytes", maxFrameBytes, 64 * 1024, 1L << 30);
    requireRange("handshakeFrameBytes", handshakeFrameBytes, 256, 64 * 1024);
    requireRange("outboundQueueMessages", outboundQueueMessages, 16, 1 << 20);
    requireRange("outboundQueueBytes", outboundQueueBytes, 64 * 1024, 4L << 30);
    requireDuration("connectTimeout", connectTimeout, Duration.ofMillis(10), Duration.ofSeconds(60));
    requireDuration("handshakeTimeout", handshakeTimeout, Duration.ofMillis(10), Duration.ofSeconds(60));
    requireDuration("reconnectBackoffMin", reconnectBackoffMin, Duration.ofMillis(1), Duration.ofSeconds(60));
    requireDuration("reconnectBackoffMax", reconnectBackoffMax, Duration.ofMillis(1), Duration.ofMinutes(10));
    requireAtLeast("reconnectBackoffMax", reconnectBackoffMax, "reconnectBackoffMin", reconnectBackoffMin, 1,
        "the backoff grows from the minimum to the maximum");
    requireRange("ioThreads", ioThreads, 1, 64);
    requireDuration("pingInterval", pingInterval, Duration.ofMillis(10), Duration.ofSeconds(60));
    requireDuration("idleTimeout", idleTimeout, Duration.ofMillis(20), Duration.ofMinutes(10));
    requireAtLeast("idleTimeout", idleTimeout, "pingInterval", pingInterval, 2,
        "so that a live but quiet peer's PINGs keep its connection open");
  }

  /** The defaults listed above. */
  public static TransportOptions defaults() {
    return new TransportOptions(16 << 20, 1024, 8192, 64L << 20, Duration.ofSeconds(1),
        Duration.ofSeconds(3), Duration.ofMillis(50), Duration.ofSeconds(2), 1, true,
        Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  /** A copy with {@code maxFrameBytes} replaced. */
  public TransportOptions withMaxFrameBytes(int value) {
    return new TransportOptions(value, handshakeFrameBytes, outboundQueueMessages, outboundQueueBytes,
        connectTimeout, handshakeTimeout, reconnectBackoffMin, reconnectBackoffMax, ioThreads, nativeTransport, pingInterval, idleTimeout);
  }

  /** A copy with the outbound queue bounds replaced. */
  public TransportOptions withOutboundQueue(int messages, long bytes) {
    return new TransportOptions(maxFrameBytes, handshakeFrameBytes, messages, bytes,
        connectTimeout, handshakeTimeout, reconnectBackoffMin, reconnectBackoffMax, ioThreads, nativeTransport, pingInterval, idleTimeout);
  }

  /** A copy with the reconnect backoff replaced. */
  public TransportOptions withReconnectBackoff(Duration min, Duration max) {
    return new TransportOptions(maxFrameBytes, handshakeFrameBytes, outboundQueueMessages, outboundQueueBytes,
        connectTimeout, handshakeTimeout, min, max, ioThreads, nativeTransport, pingInterval, idleTimeout);
  }

  /** A copy with the handshake timeout replaced. */
  public TransportOptions withHandshakeTimeout(Duration value) {
    return new TransportOptions(maxFrameBytes, handshakeFrameBytes, outboundQueueMessages, outboundQueueBytes,
        connectTimeout, value, reconnectBackoffMin, reconnectBackoffMax, ioThreads, nativeTransport, pingInterval, idleTimeout);
  }

  /** A copy with the I/O thread count replaced. */
  public TransportOptions withIoThreads(int value) {
    return new TransportOptions(maxFrameBytes, handshakeFrameBytes, outboundQueueMessages, outboundQueueBytes,
        connectTimeout, handshakeTimeout, reconnectBackoffMin, reconnectBackoffMax, value, nativeTransport, pingInterval, idleTimeout);
  }

  /** A copy that does or does not use epoll. */
  public TransportOptions withNativeTransport(boolean value) {
    return new TransportOptions(maxFrameBytes, handshakeFrameBytes, outboundQueueMessages, outboundQueueBytes,
        connectTimeout, handshakeTimeout, reconnectBackoffMin, reconnectBackoffMax, ioThreads, value, pingInterval, idleTimeout);
  }

  /** A copy with the liveness settings replaced. */
  public TransportOptions withLiveness(Duration ping, Duration idle) {
    return new TransportOptions(maxFrameBytes, handshakeFrameBytes, outboundQueueMessages, outboundQueueBytes,
        connectTimeout, handshakeTimeout, reconnectBackoffMin, reconnectBackoffMax, ioThreads, nativeTransport,
        ping, idle);
  }

  private static void requireRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], got " + value);
    }
  }

  /** Requires {@code value >= factor * other}, naming both settings: they must agree. */
  private static void requireAtLeast(String field, Duration value, String otherField, Duration other, int factor,
      String why) {
    if (value.compareTo(other.multipliedBy(factor)) < 0) {
      throw new IllegalArgumentException(field + " (" + value.toMillis() + " ms) must be at least "
          + (factor == 1 ? "" : factor + " times ") + otherField + " (" + other.toMillis() + " ms): " + why);
    }
  }

  private static void requireDuration(String field, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, field);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          field + " must be in [" + min.toMillis() + " ms, " + max.toMillis() + " ms], got " + value.toMillis() + " ms");
    }
  }
}

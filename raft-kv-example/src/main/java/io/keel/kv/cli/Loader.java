package io.keel.kv.cli;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes keys {@code <prefix>0} to {@code <prefix>(n-1)} through one pipelined RESP connection,
 * each with a value of random bytes drawn from the seed and the key's number (so they do not
 * compress, and any value can be checked later without keeping it), and reads them back to check.
 * What {@code keel-kv load} runs; tests and benchmarks use it to fill a node with a known state.
 */
public final class Loader {

  /** What a load or a check did: how many keys, how many value bytes, in how long. */
  public record Outcome(long keys, long bytes, Duration elapsed) {
    /** Value bytes per second, in MB (10^6). */
    public double megabytesPerSecond() {
      return bytes / 1e6 / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }

    /** Keys per second. */
    public double keysPerSecond() {
      return keys / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
  }

  private final InetSocketAddress node;
  private final String prefix;
  private final int valueBytes;
  private final long seed;
  private final int pipeline;

  /**
   * @param node the RESP address of a node of the cluster
   * @param valueBytes each value's length
   * @param pipeline how many requests may wait for their answers at once
   */
  public Loader(InetSocketAddress node, String prefix, int valueBytes, long seed, int pipeline) {
    if (valueBytes < 1 || pipeline < 1) {
      throw new IllegalArgumentException("values of at least 1 byte and a pipeline of at least 1");
    }
    this.node = node;
    this.prefix = prefix;
    this.valueBytes = valueBytes;
    this.seed = seed;
    this.pipeline = pipeline;
  }

  /** The value of key number {@code i}. */
  public byte[] value(long i) {
    byte[] value = new byte[valueBytes];
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    for (int at = 0; at < value.length; at += 8) {
      long bits = random.nextLong();
      for (int b = 0; b < 8 && at + b < value.length; b++) {
        value[at + b] = (byte) (bits >>> (8 * b));
      }
    }
    return value;
  }

  private byte[] key(long i) {
    return (prefix + i).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Sets keys {@code from} to {@code to - 1}.
   *
   * @throws IOException if a write fails or is answered with an error (naming the key)
   */
  public Outcome load(long from, long to) throws Exception {
    return run(from, to, true);
  }

  /**
   * Reads keys {@code from} to {@code to - 1} back.
   *
   * @throws IOException naming the first key whose value is missing or differs
   */
  public Outcome check(long from, long to) throws Exception {
    return run(from, to, false);
  }

  private Outcome run(long from, long to, boolean write) throws Exception {
    long started = System.nanoTime();
    try (RespClient client = RespClient.connect(node, Duration.ofSeconds(10))) {
      List<CompletableFuture<RespReply>> inFlight = new ArrayList<>(pipeline);
      long first = from;
      for (long i = from; i < to; i++) {
        inFlight.add(write ? client.send(List.of("SET".getBytes(StandardCharsets.US_ASCII), key(i), value(i)))
            : client.send(List.of("GET".getBytes(StandardCharsets.US_ASCII), key(i))));
        if (inFlight.size() == pipeline || i == to - 1) {
          drain(inFlight, first, write);
          first = i + 1;
        }
      }
    }
    return new Outcome(to - from, (to - from) * valueBytes, Duration.ofNanos(System.nanoTime() - started));
  }

  private void drain(List<CompletableFuture<RespReply>> inFlight, long first, boolean write) throws Exception {
    for (int n = 0; n < inFlight.size(); n++) {
      RespReply reply = inFlight.get(n).get(60, TimeUnit.SECONDS);
      long i = first + n;
      if (write && !RespReply.OK.equals(reply)) {
        throw new IOException("SET " + prefix + i + " was answered " + reply);
      }
      if (!write && !(reply instanceof RespReply.Bulk bulk && Arrays.equals(bulk.bytes(), value(i)))) {
        throw new IOException(prefix + i + " does not hold the value written: " + describe(reply));
      }
    }
    inFlight.clear();
  }

  private static String describe(RespReply reply) {
    if (reply instanceof RespReply.Bulk bulk) {
      return bulk.bytes() == null ? "(nil)" : bulk.bytes().length + " other bytes";
    }
    return reply.toString();
  }
}

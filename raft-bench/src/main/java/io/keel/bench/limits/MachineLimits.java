package io.keel.bench.limits;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * What this machine allows a replicated write at best: the median time of one
 * {@code FileChannel.force} after a 4 KiB append, and the median round trip of a small message
 * over a plain loopback TCP socket. A commit at C=1 needs at least one of each.
 */
public final class MachineLimits {

  /** The medians, in microseconds. */
  public record Figures(double fsyncP50Micros, double rttP50Micros) {}

  private MachineLimits() {}

  /** Measures both in {@code dir} (a file is created and deleted there). */
  public static Figures measure(Path dir) throws IOException {
    return new Figures(fsyncMedianMicros(dir, 2000), rttMedianMicros(20_000));
  }

  /** Appends 4 KiB and forces it, {@code samples} times after a warm-up; the median force time. */
  public static double fsyncMedianMicros(Path dir, int samples) throws IOException {
    Path file = Files.createTempFile(dir, "fsync-", ".bin");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer block = ByteBuffer.allocateDirect(4096);
      long[] nanos = new long[samples];
      for (int i = -200; i < samples; i++) {
        block.clear();
        channel.write(block);
        long start = System.nanoTime();
        channel.force(false);
        if (i >= 0) {
          nanos[i] = System.nanoTime() - start;
        }
      }
      return median(nanos) / 1000.0;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Sends 64 bytes to an echo thread and reads them back, {@code samples} times; the median RTT. */
  public static double rttMedianMicros(int samples) throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread echo = new Thread(() -> {
        try (Socket peer = server.accept()) {
          peer.setTcpNoDelay(true);
          DataInputStream in = new DataInputStream(peer.getInputStream());
          DataOutputStream out = new DataOutputStream(peer.getOutputStream());
          byte[] message = new byte[64];
          while (true) {
            in.readFully(message);
            out.write(message);
            out.flush();
          }
        } catch (IOException closed) {
          // the client went away: done
        }
      }, "rtt-echo");
      echo.setDaemon(true);
      echo.start();
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        client.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(client.getInputStream());
        DataOutputStream out = new DataOutputStream(client.getOutputStream());
        byte[] message = new byte[64];
        long[] nanos = new long[samples];
        for (int i = -2000; i < samples; i++) {
          long start = System.nanoTime();
          out.write(message);
          out.flush();
          in.readFully(message);
          if (i >= 0) {
            nanos[i] = System.nanoTime() - start;
          }
        }
        return median(nanos) / 1000.0;
      }
    }
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}

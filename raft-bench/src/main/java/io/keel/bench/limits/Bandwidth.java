package io.keel.bench.limits;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What this machine allows a bulk transfer at best, the limits a snapshot's transfer is compared
 * with: the rate of a sequential write of a file in 1 MiB writes ended by one {@code force}, as a
 * snapshot store writes, and the rate of a one-way stream of 1 MiB writes over a plain loopback TCP
 * socket. Rates are in MB/s (10<sup>6</sup> bytes per second).
 */
public final class Bandwidth {

  /** The rates, in MB/s. */
  public record Figures(double diskWriteMBps, double loopbackMBps) {}

  private static final int BLOCK_BYTES = 1 << 20;

  private Bandwidth() {}

  /** Measures both with {@code bytes} bytes each; the file is written in {@code dir} and deleted. */
  public static Figures measure(Path dir, long bytes) throws IOException {
    return new Figures(diskWriteMBps(dir, bytes), loopbackMBps(bytes));
  }

  /** Writes {@code bytes} bytes to a new file in 1 MiB writes, then forces it; MB/s over the whole. */
  public static double diskWriteMBps(Path dir, long bytes) throws IOException {
    Path file = Files.createTempFile(dir, "bandwidth-", ".bin");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_BYTES);
      for (int i = 0; i < BLOCK_BYTES; i += 8) {
        block.putLong(i, i * 0x9E3779B97F4A7C15L);
      }
      long start = System.nanoTime();
      long written = 0;
      while (written < bytes) {
        block.clear().limit((int) Math.min(BLOCK_BYTES, bytes - written));
        written += channel.write(block);
      }
      channel.force(true);
      return written / ((System.nanoTime() - start) / 1e9) / 1e6;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Streams {@code bytes} bytes in 1 MiB writes to a thread that reads and discards them and
   * answers one byte at the end; MB/s from the first write to that answer.
   */
  public static double loopbackMBps(long bytes) throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AtomicReference<IOException> failure = new AtomicReference<>();
      Thread sink = new Thread(() -> drain(server, bytes, failure), "bandwidth-sink");
      sink.setDaemon(true);
      sink.start();
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        byte[] block = new byte[BLOCK_BYTES];
        long start = System.nanoTime();
        long sent = 0;
        while (sent < bytes) {
          int length = (int) Math.min(block.length, bytes - sent);
          out.write(block, 0, length);
          sent += length;
        }
        out.flush();
        if (in.read() < 0) {
          throw new IOException("the loopback sink closed before reading everything", failure.get());
        }
        return sent / ((System.nanoTime() - start) / 1e9) / 1e6;
      }
    }
  }

  private static void drain(ServerSocket server, long bytes, AtomicReference<IOException> failure) {
    try (Socket peer = server.accept()) {
      InputStream in = peer.getInputStream();
      byte[] block = new byte[BLOCK_BYTES];
      long received = 0;
      while (received < bytes) {
        int read = in.read(block);
        if (read < 0) {
          return;
        }
        received += read;
      }
      peer.getOutputStream().write(1);
      peer.getOutputStream().flush();
    } catch (IOException e) {
      failure.set(e);
    }
  }
}

package io.keel.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One direction of one {@link DelayProxy} connection. A reader thread stamps each chunk it reads
 * with the time it is due (now plus the delay in force) and queues it; a writer thread writes the
 * chunks in order, each once it is due. A semaphore of {@code heldBytesMax} permits bounds the
 * bytes queued: the reader takes permits before queueing and blocks (stops reading, so TCP pushes
 * back on the sender) while there are none; the writer gives them back once the bytes are written.
 */
final class DelayPump {

  private static final int CHUNK_BYTES_MAX = 64 << 10;

  /** Bytes read, and the {@link System#nanoTime()} at which they may be written. */
  private record Chunk(byte[] bytes, long dueNanos) {}

  /** Queued after the last chunk when the sender closed its side cleanly. */
  private static final Chunk END = new Chunk(new byte[0], 0);

  /** Queued after the last chunk when reading failed. */
  private static final Chunk FAILED = new Chunk(new byte[0], 0);

  /**
   * The two sockets of one proxied connection and the threads pumping them. The sockets are
   * closed and the threads interrupted (out of waiting for bytes to fall due) when both directions
   * have ended cleanly, or as soon as either fails; then {@code onClose} hears of it once.
   */
  static final class Link {
    private final Socket client;
    private final Socket upstream;
    private final Consumer<Link> onClose;
    private final AtomicInteger directionsEnded = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Set<DelayPump> pumps = ConcurrentHashMap.newKeySet();

    Link(Socket client, Socket upstream, Consumer<Link> onClose) {
      this.client = client;
      this.upstream = upstream;
      this.onClose = onClose;
    }

    void directionEnded() {
      if (directionsEnded.incrementAndGet() == 2) {
        close();
      }
    }

    void close() {
      if (closed.compareAndSet(false, true)) {
        closeQuietly(client);
        closeQuietly(upstream);
        threads.forEach(Thread::interrupt);
        onClose.accept(this);
      }
    }

    /** The bytes held back now on both directions. */
    long heldBytes() {
      return pumps.stream().mapToLong(DelayPump::heldBytes).sum();
    }

    private static void closeQuietly(Socket socket) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // The connection is being torn down; nothing more to do with this socket.
      }
    }
  }

  private final Link link;
  private final Socket from;
  private final Socket to;
  private final LongSupplier delayNanos;
  private final Semaphore room;
  private final int heldBytesMax;
  private final int chunkBytesMax;
  private final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();

  private DelayPump(Link link, Socket from, Socket to, LongSupplier delayNanos, int heldBytesMax) {
    this.link = link;
    this.from = from;
    this.to = to;
    this.delayNanos = delayNanos;
    this.room = new Semaphore(heldBytesMax);
    this.heldBytesMax = heldBytesMax;
    this.chunkBytesMax = Math.min(CHUNK_BYTES_MAX, heldBytesMax);
  }

  /**
   * Starts pumping bytes read from {@code from} to {@code to}, each held back by {@code delayNanos}
   * as it is when they are read, with at most {@code heldBytesMax} bytes held back at a time.
   */
  static void start(Link link, Socket from, Socket to, LongSupplier delayNanos, int heldBytesMax, String name) {
    if (heldBytesMax <= 0) {
      throw new IllegalArgumentException("heldBytesMax must be positive: " + heldBytesMax);
    }
    DelayPump pump = new DelayPump(link, from, to, delayNanos, heldBytesMax);
    Thread reader = daemon(pump::read, "delay-proxy-read " + name);
    Thread writer = daemon(pump::write, "delay-proxy-write " + name);
    link.pumps.add(pump);
    link.threads.add(reader);
    link.threads.add(writer);
    reader.start();
    writer.start();
    if (link.closed.get()) {
      // Closed before the threads were known to it: they might have missed their interrupt.
      reader.interrupt();
      writer.interrupt();
    }
  }

  private long heldBytes() {
    return heldBytesMax - room.availablePermits();
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private void read() {
    boolean clean = false;
    try {
      InputStream in = from.getInputStream();
      byte[] buffer = new byte[chunkBytesMax];
      for (int count = in.read(buffer); count >= 0; count = in.read(buffer)) {
        long dueNanos = System.nanoTime() + delayNanos.getAsLong();
        room.acquire(count);
        queue.add(new Chunk(Arrays.copyOf(buffer, count), dueNanos));
      }
      clean = true;
    } catch (IOException | InterruptedException e) {
      // Reset by the peer, or the link was closed under us: the whole connection goes.
      link.close();
    } finally {
      queue.add(clean ? END : FAILED);
    }
  }

  private void write() {
    try {
      OutputStream out = to.getOutputStream();
      for (Chunk chunk = queue.take(); chunk != END; chunk = queue.take()) {
        if (chunk == FAILED) {
          link.close();
          return;
        }
        long waitNanos = chunk.dueNanos() - System.nanoTime();
        if (waitNanos > 0) {
          TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
        out.write(chunk.bytes());
        room.release(chunk.bytes().length);
      }
      to.shutdownOutput();
      link.directionEnded();
    } catch (IOException | InterruptedException e) {
      // The receiver is gone, or the link was closed: close everything (waking the reader if it waits for room).
      link.close();
    }
  }
}

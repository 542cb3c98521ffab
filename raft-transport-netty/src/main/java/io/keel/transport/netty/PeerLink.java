package io.keel.transport.netty;

import io.keel.raft.GroupId;
import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.InstallSnapshot;
import io.keel.raft.message.Message;
import io.keel.transport.netty.wire.Frame;
import io.keel.transport.netty.wire.FrameSizes;
import io.keel.transport.netty.wire.WireCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything about one peer: its authenticated connection (at most one at a time, shared by every
 * group), the bounded queue of messages waiting for it, and, on the side that dials, reconnecting
 * with jittered exponential backoff.
 *
 * <p>{@link #send} runs on Raft event threads and never blocks: it queues the message and, if no
 * flush is pending, schedules one on the connection's I/O thread. A flush encodes every queued
 * message into as few buffers as it can and flushes the socket once (write coalescing). When the
 * socket stops being writable (the peer reads slower than we write), flushing pauses and the queue
 * fills; what does not fit is dropped and counted, never buffered without bound.
 */
final class PeerLink {

  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

  /** Frames are gathered into buffers of about this size before each write. */
  private static final int WRITE_CHUNK_BYTES = 256 * 1024;

  /** A conservative per-message estimate of header bytes, for the queue's byte bound. */
  static final int MESSAGE_OVERHEAD_BYTES = 192;

  final NodeId peer;
  final InetSocketAddress address;
  /** Whether this side opens the connection (the node with the smaller id dials). */
  final boolean dials;
  private final NettyTransport transport;
  private final TransportOptions options;

  private final Queue<Outbound> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedMessages = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final AtomicBoolean reconnectScheduled = new AtomicBoolean();
  private final Runnable flush = this::flush;
  private volatile Channel channel;
  private volatile boolean removed;
  private volatile String lastProblem;
  private final AtomicInteger failedAttempts = new AtomicInteger();

  private final LongAdder connections = new LongAdder();
  private final LongAdder messagesOut = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  final LongAdder messagesIn = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  private final LongAdder droppedQueueFull = new LongAdder();
  private final LongAdder droppedNotConnected = new LongAdder();
  private final LongAdder droppedTooLarge = new LongAdder();
  private final LongAdder impossibleMessages = new LongAdder();

  PeerLink(NodeId peer, InetSocketAddress address, boolean dials, NettyTransport transport) {
    this.peer = peer;
    this.address = address;
    this.dials = dials;
    this.transport = transport;
    this.options = transport.options();
  }

  // ---------------------------------------------------------------- sending

  void send(GroupId group, Message message) {
    Channel current = channel;
    if (current == null) {
      droppedNotConnected.increment();
      return;
    }
    long size = estimatedSize(message);
    int messages = queuedMessages.incrementAndGet();
    long bytes = queuedBytes.addAndGet(size);
    if (messages > options.outboundQueueMessages() || bytes > options.outboundQueueBytes()) {
      queuedMessages.decrementAndGet();
      queuedBytes.addAndGet(-size);
      droppedQueueFull.increment();
      return;
    }
    queue.add(new Outbound(group, message, size));
    scheduleFlush(current);
  }

  /** Makes sure a flush will run on {@code current}'s I/O thread. */
  void scheduleFlush(Channel current) {
    if (!flushScheduled.get() && flushScheduled.compareAndSet(false, true)) {
      current.eventLoop().execute(flush);
    }
  }

  private void flush() {
    flushScheduled.set(false);
    Channel current = channel;
    if (current == null) {
      discardQueue();
      return;
    }
    ByteBuf chunk = null;
    Outbound next;
    while (current.isWritable() && (next = queue.poll()) != null) {
      queuedMessages.decrementAndGet();
      queuedBytes.addAndGet(-next.size);
      if (chunk == null) {
        chunk = current.alloc().ioBuffer(WRITE_CHUNK_BYTES);
      }
      int start = chunk.writerIndex();
      WireCodec.encodeMessage(next.group, next.message, chunk);
      int frameBytes = chunk.writerIndex() - start;
      if (frameBytes - 4 > options.maxFrameBytes()) {
        chunk.writerIndex(start);
        droppedTooLarge.increment();
        transport.warn(ConnectionWarning.MESSAGE_TOO_LARGE, transport.self() + ": to " + peer + ": dropped a "
            + next.message.getClass().getSimpleName() + " of " + frameBytes + " bytes, above maxFrameBytes "
            + options.maxFrameBytes());
        continue;
      }
      messagesOut.increment();
      bytesOut.add(frameBytes);
      if (chunk.readableBytes() >= WRITE_CHUNK_BYTES) {
        current.write(chunk, current.voidPromise());
        chunk = null;
      }
    }
    if (chunk != null) {
      if (chunk.isReadable()) {
        current.write(chunk, current.voidPromise());
      } else {
        chunk.release();
      }
    }
    current.flush();
  }

  private void discardQueue() {
    Outbound dropped;
    while ((dropped = queue.poll()) != null) {
      queuedMessages.decrementAndGet();
      queuedBytes.addAndGet(-dropped.size);
      droppedNotConnected.increment();
    }
  }

  /** What {@code message} counts for against {@code outboundQueueBytes}: at least its frame's bytes. */
  static long estimatedSize(Message message) {
    if (message instanceof AppendEntries append) {
      long entryBytes = 0;
      for (LogEntry entry : append.entries()) {
        entryBytes += entry.command().length + FrameSizes.ENTRY_OVERHEAD_BYTES;
      }
      return estimatedBytes(entryBytes);
    }
    if (message instanceof InstallSnapshot chunk) {
      return estimatedBytes(FrameSizes.installSnapshotVariableBytes(chunk));
    }
    return MESSAGE_OVERHEAD_BYTES;
  }

  /**
   * What a message whose variable part (an AppendEntries' entries, an InstallSnapshot's chunk and
   * configuration) takes {@code variableWireBytes} on the wire counts for against
   * {@code outboundQueueBytes}: a message can be queued only if this is within the bound.
   */
  static long estimatedBytes(long variableWireBytes) {
    return MESSAGE_OVERHEAD_BYTES + variableWireBytes;
  }

  // ---------------------------------------------------------------- connection life cycle

  /**
   * The handshake on {@code authenticated} completed: it becomes the peer's connection, unless the
   * peer already has an open one and {@code mayReplace} is false, in which case nothing changes.
   * A connection whose identity TLS proved, or one this node dialed, may replace an open one (the
   * peer restarted); without that proof a newcomer claiming the peer's id must not displace it.
   *
   * @return whether {@code authenticated} is now the peer's connection; never if the link was
   *     removed
   */
  synchronized boolean attach(Channel authenticated, boolean mayReplace) {
    if (removed) {
      return false; // removed while the connection shook hands: remove() has closed all it will close
    }
    Channel previous = channel;
    boolean replacing = previous != null && previous != authenticated && previous.isActive();
    if (replacing && !mayReplace) {
      return false;
    }
    channel = authenticated;
    connections.increment();
    failedAttempts.set(0);
    if (replacing) {
      LOG.info("{}: to {}: a new connection from {} replaces the one from {}", transport.self(), peer,
          authenticated.remoteAddress(), previous.remoteAddress());
      previous.close();
    }
    if (!queue.isEmpty()) {
      scheduleFlush(authenticated);
    }
    return true;
  }

  /**
   * {@code closed} went away (called on its I/O thread); if it was the peer's connection, queued
   * messages are dropped.
   */
  synchronized void detach(Channel closed) {
    if (channel == closed) {
      channel = null;
      discardQueue();
    }
  }

  /** The remote address of the peer's connection, or null if it has none. */
  SocketAddress remoteAddress() {
    Channel current = channel;
    return current == null ? null : current.remoteAddress();
  }

  /**
   * A group refused a message from this peer as impossible: counts it and closes the peer's
   * connection at once (a correct peer reconnects), after a best-effort REJECT telling it why.
   * Called on a group's event thread; never blocks.
   *
   * @return whether a connection was open to close
   */
  boolean closeForImpossibleMessage(GroupId group, String reason) {
    impossibleMessages.increment();
    String problem = "group " + group + " refused a message from " + peer + " as impossible: " + reason;
    noteProblem(problem);
    Channel current = channel;
    if (current == null) {
      return false;
    }
    ByteBuf reject = current.alloc().ioBuffer();
    WireCodec.encode(Frame.Reject.fitting(problem), reject);
    current.writeAndFlush(reject, current.voidPromise());
    current.close(); // at once: a peer that does not read must not keep the connection by stalling the REJECT
    return true;
  }

  /** Closes the current connection, if any (a fault test's cut, or the link's removal). */
  void disconnect() {
    Channel current = channel;
    if (current != null) {
      current.close();
    }
  }

  void noteProblem(String problem) {
    lastProblem = problem;
  }

  boolean connected() {
    return channel != null;
  }

  /** Whether the peer's authenticated connection is set and still open. */
  boolean connectedAndOpen() {
    Channel current = channel;
    return current != null && current.isActive();
  }

  /** Whether the link was removed: it never connects again. */
  boolean isRemoved() {
    return removed;
  }

  /** Dials now, if this side dials and no connection or attempt exists. */
  void connect() {
    if (!dials || removed || channel != null || !transport.isRunning() || transport.isCutOff()) {
      return;
    }
    transport.dial(this).addListener(future -> {
      if (!future.isSuccess()) {
        noteProblem("connect to " + address + " failed: " + future.cause().getMessage());
        LOG.debug("to {}: connect to {} failed: {}", peer, address, future.cause().toString());
        scheduleReconnect();
      }
    });
  }

  /** Dials again after a jittered, exponentially growing delay. */
  void scheduleReconnect() {
    if (!dials || removed || !transport.isRunning() || !reconnectScheduled.compareAndSet(false, true)) {
      return;
    }
    long delay = reconnectDelayNanos(options.reconnectBackoffMin().toNanos(),
        options.reconnectBackoffMax().toNanos(), failedAttempts.getAndIncrement(), ThreadLocalRandom.current());
    transport.scheduler().schedule(() -> {
      reconnectScheduled.set(false);
      connect();
    }, delay, TimeUnit.NANOSECONDS);
  }

  /**
   * The delay before reconnect attempt {@code attempt} (0 for the first): a ceiling that starts at
   * {@code min} and doubles per failed attempt up to {@code max}, and a uniformly drawn delay between
   * half the ceiling and the ceiling, so peers that lost each other at once do not retry in step.
   */
  static long reconnectDelayNanos(long min, long max, int attempt, java.util.Random random) {
    long ceiling = min;
    for (int i = 0; i < attempt && ceiling < max; i++) {
      ceiling = Math.min(max, ceiling * 2);
    }
    return ceiling / 2 + random.nextLong(ceiling / 2 + 1);
  }

  /** Forgets the peer: closes its connection, and no other attaches or is dialed after. */
  synchronized void remove() {
    removed = true;
    disconnect();
  }

  PeerStats stats() {
    return new PeerStats(peer, channel != null, connections.sum(), messagesOut.sum(), bytesOut.sum(),
        messagesIn.sum(), bytesIn.sum(), droppedQueueFull.sum(), droppedNotConnected.sum(),
        droppedTooLarge.sum(), impossibleMessages.sum(), queuedMessages.get(), Optional.ofNullable(lastProblem));
  }

  private record Outbound(GroupId group, Message message, long size) {}
}

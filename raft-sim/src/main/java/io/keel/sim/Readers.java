package io.keel.sim;

import io.keel.raft.protocol.RaftNode;
import io.keel.sim.EventQueue.Kind;
import io.keel.sim.check.Checkers;
import java.util.function.LongSupplier;

/**
 * The simulated readers: each asks a random node, leader or follower, for a linearizable read
 * ({@link io.keel.raft.protocol.Reads#readIndex()}), one at a time, and asks again a little after
 * the answer or a timeout. Each served read is checked ({@link Checkers#onReadServed}): its read
 * index, and the state the node had applied when it was served, reach every write acknowledged to
 * a client before the read was asked. Readers draw from a random stream of their own, so that
 * adding them changed no other draw of a seed.
 */
final class Readers {

  /** One read: who asked, when, and the highest index of an acknowledged write at that moment. */
  record Read(long id, int reader, long askedNanos, long acknowledgedIndex) {}

  private static final long HOP_NANOS = 100_000;

  private final SimRandom random;
  private final EventQueue queue;
  private final LongSupplier clock;
  private final Checkers checkers;
  private final int nodes;
  private final long thinkNanos;
  private final long timeoutNanos;
  private final long[] current;
  private long nextId = 1;

  long asked;
  long served;
  long failed;

  Readers(int readers, int nodes, long thinkNanos, long timeoutNanos, SimRandom random, EventQueue queue,
      LongSupplier clock, Checkers checkers) {
    this.random = random;
    this.queue = queue;
    this.clock = clock;
    this.checkers = checkers;
    this.nodes = nodes;
    this.thinkNanos = thinkNanos;
    this.timeoutNanos = timeoutNanos;
    this.current = new long[readers];
  }

  void start() {
    for (int reader = 0; reader < current.length; reader++) {
      queue.schedule(random.between(0, Math.max(1, thinkNanos)), Kind.READER, reader, null, 0);
    }
  }

  /** The reader's turn: it sends a read to a random node. */
  void send(int reader) {
    long now = clock.getAsLong();
    Read read = new Read(nextId++, reader, now, checkers.highestAcknowledgedIndex());
    current[reader] = read.id();
    asked++;
    queue.schedule(now + HOP_NANOS, Kind.READ, 1 + (int) random.nextLong(nodes), read, 0);
    queue.schedule(now + timeoutNanos, Kind.READER_TIMEOUT, reader, null, read.id());
  }

  /** The read reaches its node (inside that node's event). */
  void read(SimulatedNode<?> node, Read read) {
    RaftNode<?> raft = node.raft();
    raft.reads().readIndex().whenComplete((readIndex, failure) -> {
      if (failure == null) {
        checkers.onReadServed(node.id(), read.acknowledgedIndex(), readIndex, raft.lastApplied(), read.askedNanos());
      }
      queue.schedule(clock.getAsLong() + HOP_NANOS, Kind.READER_REPLY, read.reader(), failure == null, read.id());
    });
  }

  /** The answer reaches the reader. */
  void onReply(int reader, boolean ok, long readId) {
    if (current[reader] != readId) {
      return;
    }
    current[reader] = 0;
    if (ok) {
      served++;
    } else {
      failed++;
    }
    queue.schedule(clock.getAsLong() + thinkNanos, Kind.READER, reader, null, 0);
  }

  /** The reader stops waiting for a read. */
  void onTimeout(int reader, long readId) {
    if (current[reader] == readId) {
      current[reader] = 0;
      failed++;
      queue.schedule(clock.getAsLong() + thinkNanos, Kind.READER, reader, null, 0);
    }
  }
}

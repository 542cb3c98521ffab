package io.keel.sim;

import io.keel.raft.ReadMode;
import io.keel.raft.protocol.RaftNode;
import io.keel.sim.EventQueue.Kind;
import io.keel.sim.check.Checkers;
import io.keel.sim.linearizability.RecordedOperation;
import java.util.function.LongSupplier;

/**
 * The simulated readers: each asks a random node, leader or follower, for a linearizable read
 * ({@link io.keel.raft.protocol.Reads#readIndex()}), one at a time, and asks again a little after
 * the answer or a timeout. Each served read is checked ({@link Checkers#onReadServed}): its read
 * index, and the state the node had applied when it was served, reach every write acknowledged to
 * a client before the read was asked. Readers draw from a random stream of their own, so that
 * adding them changed no other draw of a seed. Where leaders keep read leases, half the reads ask
 * for {@link ReadMode#LEASE}. With a workload that keeps keys ({@link KeyReads}), each read asks for
 * a key and enters the workload's history with the value the node held when it served the read.
 */
final class Readers {

  /** One read: who asked, when, and the highest index of an acknowledged write at that moment. */
  record Read(long id, int reader, long askedNanos, long acknowledgedIndex, String key) {}

  /** A read's answer as it reaches the reader: served or not, and the value read. */
  record Reply(boolean ok, String value) {}

  private static final long HOP_NANOS = 100_000;

  private final SimRandom random;
  private final EventQueue queue;
  private final LongSupplier clock;
  private final Checkers checkers;
  private final int nodes;
  private final long thinkNanos;
  private final long timeoutNanos;
  private final long[] current;
  private final boolean lease;
  /** The workload's keys, or null: then reads read no key. */
  private final KeyReads keys;
  /** Each reader's read in the workload's history, while it waits. */
  private final RecordedOperation[] operations;
  private long nextId = 1;

  long asked;
  long served;
  long failed;
  /** Reads a leader served by its lease, without a round. */
  long servedByLease;

  Readers(int readers, int nodes, long thinkNanos, long timeoutNanos, boolean lease, KeyReads keys, SimRandom random,
      EventQueue queue, LongSupplier clock, Checkers checkers) {
    this.lease = lease;
    this.keys = keys;
    this.operations = new RecordedOperation[readers];
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
    String key = keys == null ? null : keys.readKey(random);
    Read read = new Read(nextId++, reader, now, checkers.highestAcknowledgedIndex(), key);
    if (keys != null) {
      operations[reader] = keys.invokeRead(reader, key);
    }
    current[reader] = read.id();
    asked++;
    queue.schedule(now + HOP_NANOS, Kind.READ, 1 + (int) random.nextLong(nodes), read, 0);
    queue.schedule(now + timeoutNanos, Kind.READER_TIMEOUT, reader, null, read.id());
  }

  /** The read reaches its node (inside that node's event). */
  void read(SimulatedNode<?> node, Read read) {
    RaftNode<?> raft = node.raft();
    if (keys != null && keys.readsLocally()) {
      queue.schedule(clock.getAsLong() + HOP_NANOS, Kind.READER_REPLY, read.reader(),
          new Reply(true, keys.valueAt(node.stateMachine(), read.key())), read.id());
      return;
    }
    ReadMode mode = lease && random.chance(0.5) ? ReadMode.LEASE : ReadMode.READ_INDEX;
    long leaseReads = raft.reads().readsByLease();
    raft.reads().readIndex(mode).whenComplete((readIndex, failure) -> {
      String value = null;
      if (failure == null) {
        checkers.onReadServed(node.id(), read.acknowledgedIndex(), readIndex, raft.lastApplied(), read.askedNanos());
        value = keys == null ? null : keys.valueAt(node.stateMachine(), read.key());
      }
      queue.schedule(clock.getAsLong() + HOP_NANOS, Kind.READER_REPLY, read.reader(), new Reply(failure == null, value),
          read.id());
    });
    servedByLease += raft.reads().readsByLease() - leaseReads;
  }

  /** The answer reaches the reader. */
  void onReply(int reader, Reply reply, long readId) {
    if (current[reader] != readId) {
      return;
    }
    current[reader] = 0;
    if (reply.ok()) {
      served++;
    } else {
      failed++;
    }
    RecordedOperation operation = operations[reader];
    if (operation != null) {
      operations[reader] = null;
      if (reply.ok()) {
        operation.okRead(reply.value());
      } else {
        operation.info(); // not served: a read that took no effect, which constrains nothing
      }
    }
    queue.schedule(clock.getAsLong() + thinkNanos, Kind.READER, reader, null, 0);
  }

  /** The reader stops waiting for a read. */
  void onTimeout(int reader, long readId) {
    if (current[reader] == readId) {
      current[reader] = 0;
      failed++;
      if (operations[reader] != null) {
        operations[reader].timedOut();
        operations[reader] = null;
      }
      queue.schedule(clock.getAsLong() + thinkNanos, Kind.READER, reader, null, 0);
    }
  }
}

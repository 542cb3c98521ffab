package io.keel.sim;

import io.keel.raft.message.Message;
import io.keel.sim.EventQueue.Kind;

/**
 * The simulated network: each message is lost, delivered once or delivered twice, after delays the
 * current {@link NetworkModel} draws, so messages overtake one another. Whether a link is cut is
 * decided when a message arrives, by the partition in force then: a partition also loses what was
 * in flight across it. A message held back ({@link NetworkModel#holdProbability}) is delivered just
 * after the next message on its link, or after {@link #HOLD_LIMIT_NANOS} if none follows. Each
 * message sent is numbered (from 1, in order of sending); its DELIVER events carry the number as
 * their argument, so the trace can pair a delivery (or a duplicate's) with its sending.
 */
final class SimNetwork {

  /** A message waiting for the next one on its link. */
  static final class Held {
    final Message message;
    final int from;
    final int to;
    final long earliestNanos;
    final long id;

    Held(Message message, int from, int to, long earliestNanos, long id) {
      this.message = message;
      this.from = from;
      this.to = to;
      this.earliestNanos = earliestNanos;
      this.id = id;
    }
  }

  /** How long a held message waits at most for a message to overtake it. */
  static final long HOLD_LIMIT_NANOS = 50_000_000;

  private final SimRandom random;
  private final EventQueue queue;
  private NetworkModel model;
  private Partition partition;
  /** {@code held[from * (nodes + 1) + to]}: the message held on that link, if any. */
  private final Held[] held;
  private final int nodes;
  private final Trace trace;

  long sent;
  long dropped;
  long duplicated;

  SimNetwork(SimRandom random, EventQueue queue, NetworkModel model, int nodes, Trace trace) {
    this.trace = trace;
    this.random = random;
    this.queue = queue;
    this.model = model;
    this.partition = Partition.none(nodes);
    this.nodes = nodes;
    this.held = new Held[(nodes + 1) * (nodes + 1)];
  }

  void send(int from, int to, Message message, long nowNanos) {
    long id = ++sent;
    if (model.dropProbability() > 0 && random.chance(model.dropProbability())) {
      dropped++;
      trace.sent(id, from, to, message, true);
      return;
    }
    trace.sent(id, from, to, message, false);
    long deliverAt = nowNanos + model.sampleDelayNanos(random);
    int link = from * (nodes + 1) + to;
    Held waiting = held[link];
    if (waiting == null && model.holdProbability() > 0 && random.chance(model.holdProbability())) {
      Held hold = new Held(message, from, to, deliverAt, id);
      held[link] = hold;
      queue.schedule(deliverAt + HOLD_LIMIT_NANOS, Kind.RELEASE, to, hold, from);
    } else {
      queue.schedule(deliverAt, Kind.DELIVER, to, message, id);
      if (waiting != null) {
        held[link] = null;
        queue.schedule(Math.max(waiting.earliestNanos, deliverAt + 1), Kind.DELIVER, to, waiting.message, waiting.id);
      }
    }
    if (model.duplicateProbability() > 0 && random.chance(model.duplicateProbability())) {
      duplicated++;
      trace.duplicated(id, from, to, message);
      queue.schedule(nowNanos + model.sampleDelayNanos(random), Kind.DELIVER, to, message, id);
    }
  }

  /** A held message's time limit passed: delivers it now unless a later message already released it. */
  void release(Held hold, long nowNanos) {
    int link = hold.from * (nodes + 1) + hold.to;
    if (held[link] == hold) {
      held[link] = null;
      queue.schedule(nowNanos, Kind.DELIVER, hold.to, hold.message, hold.id);
    }
  }

  boolean reaches(int from, int to) {
    return partition.reaches(from, to);
  }

  void partition(Partition newPartition) {
    this.partition = newPartition;
    trace.partitioned(newPartition);
  }

  void model(NetworkModel newModel) {
    this.model = newModel;
  }
}

package io.keel.sim;

import io.keel.raft.message.Message;
import io.keel.sim.EventQueue.Kind;

/**
 * The simulated network: each message is lost, delivered once or delivered twice, after delays the
 * current {@link NetworkModel} draws, so messages overtake one another. Whether a link is cut is
 * decided when a message arrives, by the partition in force then: a partition also loses what was
 * in flight across it. A message held back ({@link NetworkModel#holdProbability}) is delivered just
 * after the next message on its link, or after {@link #HOLD_LIMIT_NANOS} if none follows.
 */
final class SimNetwork {

  /** A message waiting for the next one on its link. */
  static final class Held {
    final Message message;
    final int from;
    final int to;
    final long earliestNanos;

    Held(Message message, int from, int to, long earliestNanos) {
      this.message = message;
      this.from = from;
      this.to = to;
      this.earliestNanos = earliestNanos;
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

  long sent;
  long dropped;
  long duplicated;

  SimNetwork(SimRandom random, EventQueue queue, NetworkModel model, int nodes) {
    this.random = random;
    this.queue = queue;
    this.model = model;
    this.partition = Partition.none(nodes);
    this.nodes = nodes;
    this.held = new Held[(nodes + 1) * (nodes + 1)];
  }

  void send(int from, int to, Message message, long nowNanos) {
    sent++;
    if (model.dropProbability() > 0 && random.chance(model.dropProbability())) {
      dropped++;
      return;
    }
    long deliverAt = nowNanos + model.sampleDelayNanos(random);
    int link = from * (nodes + 1) + to;
    Held waiting = held[link];
    if (waiting == null && model.holdProbability() > 0 && random.chance(model.holdProbability())) {
      Held hold = new Held(message, from, to, deliverAt);
      held[link] = hold;
      queue.schedule(deliverAt + HOLD_LIMIT_NANOS, Kind.RELEASE, to, hold, from);
    } else {
      queue.schedule(deliverAt, Kind.DELIVER, to, message, from);
      if (waiting != null) {
        held[link] = null;
        queue.schedule(Math.max(waiting.earliestNanos, deliverAt + 1), Kind.DELIVER, to, waiting.message, from);
      }
    }
    if (model.duplicateProbability() > 0 && random.chance(model.duplicateProbability())) {
      duplicated++;
      queue.schedule(nowNanos + model.sampleDelayNanos(random), Kind.DELIVER, to, message, from);
    }
  }

  /** A held message's time limit passed: delivers it now unless a later message already released it. */
  void release(Held hold, long nowNanos) {
    int link = hold.from * (nodes + 1) + hold.to;
    if (held[link] == hold) {
      held[link] = null;
      queue.schedule(nowNanos, Kind.DELIVER, hold.to, hold.message, hold.from);
    }
  }

  boolean reaches(int from, int to) {
    return partition.reaches(from, to);
  }

  void partition(Partition newPartition) {
    this.partition = newPartition;
  }

  void model(NetworkModel newModel) {
    this.model = newModel;
  }
}

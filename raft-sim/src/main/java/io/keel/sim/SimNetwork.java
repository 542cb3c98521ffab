package io.keel.sim;

import io.keel.raft.message.Message;
import io.keel.sim.EventQueue.Kind;

/**
 * The simulated network: each message is lost, delivered once or delivered twice, after delays the
 * current {@link NetworkModel} draws, so messages overtake one another. Whether a link is cut is
 * decided when a message arrives, by the partition in force then: a partition also loses what was
 * in flight across it.
 */
final class SimNetwork {

  private final SimRandom random;
  private final EventQueue queue;
  private NetworkModel model;
  private Partition partition;

  long sent;
  long dropped;
  long duplicated;

  SimNetwork(SimRandom random, EventQueue queue, NetworkModel model, int nodes) {
    this.random = random;
    this.queue = queue;
    this.model = model;
    this.partition = Partition.none(nodes);
  }

  void send(int from, int to, Message message, long nowNanos) {
    sent++;
    if (model.dropProbability() > 0 && random.chance(model.dropProbability())) {
      dropped++;
      return;
    }
    queue.schedule(nowNanos + model.sampleDelayNanos(random), Kind.DELIVER, to, message, from);
    if (model.duplicateProbability() > 0 && random.chance(model.duplicateProbability())) {
      duplicated++;
      queue.schedule(nowNanos + model.sampleDelayNanos(random), Kind.DELIVER, to, message, from);
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

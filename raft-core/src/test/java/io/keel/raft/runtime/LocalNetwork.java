package io.keel.raft.runtime;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntries;
import io.keel.raft.message.Message;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/** An in-process switch between runtimes, with nodes that can be cut off. */
final class LocalNetwork {

  private final Map<NodeId, MessageReceiver> receivers = new ConcurrentHashMap<>();
  private final Set<NodeId> cut = ConcurrentHashMap.newKeySet();
  final LongAdder dropped = new LongAdder();
  /** AppendEntries delivered (heartbeats included): how long a leader has been leading, in its own beats. */
  final LongAdder appendsDelivered = new LongAdder();
  /** Every impossible message a node reported, as "receiver: group, peer: reason". */
  final List<String> impossibleReports = new CopyOnWriteArrayList<>();

  void attach(NodeId node, MessageReceiver receiver) {
    receivers.put(node, receiver);
  }

  void detach(NodeId node) {
    receivers.remove(node);
  }

  void cut(NodeId node) {
    cut.add(node);
  }

  void heal(NodeId node) {
    cut.remove(node);
  }

  /** The network as seen by {@code self}. */
  PeerNetwork endpoint(NodeId self) {
    return new PeerNetwork() {
      @Override
      public void send(GroupId group, NodeId to, Message message) {
        deliver(self, group, to, message);
      }

      @Override
      public void onImpossibleMessage(GroupId group, NodeId peer, String reason) {
        impossibleReports.add(self + ": " + group + ", " + peer + ": " + reason);
      }
    };
  }

  private void deliver(NodeId from, GroupId group, NodeId to, Message message) {
    MessageReceiver receiver = receivers.get(to);
    if (receiver == null || cut.contains(from) || cut.contains(to)) {
      dropped.increment();
      return;
    }
    if (message instanceof AppendEntries) {
      appendsDelivered.increment();
    }
    receiver.receive(group, message);
  }
}

package io.keel.raft.runtime;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.Message;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** An in-process switch between runtimes, with nodes that can be cut off. */
final class LocalNetwork {

  private final Map<NodeId, MessageReceiver> receivers = new ConcurrentHashMap<>();
  private final Set<NodeId> cut = ConcurrentHashMap.newKeySet();
  final LongAdder dropped = new LongAdder();

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
    return (group, to, message) -> deliver(self, group, to, message);
  }

  private void deliver(NodeId from, GroupId group, NodeId to, Message message) {
    MessageReceiver receiver = receivers.get(to);
    if (receiver == null || cut.contains(from) || cut.contains(to)) {
      dropped.increment();
      return;
    }
    receiver.receive(group, message);
  }
}

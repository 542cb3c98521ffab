package io.keel.raft.runtime;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.Message;

/**
 * Carries the messages of every Raft group in this process to their peers: the production
 * transport implements it over TCP, tests over an in-memory switch. Many groups share one
 * network, and one connection per peer.
 *
 * <p>Like {@link io.keel.raft.Transport}, delivery is best effort: {@link #send} never blocks and
 * never throws, and a message that cannot be sent now (no connection, a full outbound queue) is
 * dropped and counted. Raft retransmits what matters.
 */
@FunctionalInterface
public interface PeerNetwork {

  /** Sends {@code message}, of group {@code group}, to node {@code to}, or drops it. */
  void send(GroupId group, NodeId to, Message message);
}

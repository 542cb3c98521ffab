package io.keel.raft;

import io.keel.raft.message.Message;

/**
 * How a node sends messages to its peers. Delivery is best effort: Raft tolerates loss, duplication
 * and reordering, and retransmits what matters.
 *
 * <p>Implementations must not block and must not throw: a message that cannot be sent now is
 * dropped (and, in production transports, counted).
 */
@FunctionalInterface
public interface Transport {

  /** Sends {@code message} to node {@code to}, or drops it. */
  void send(NodeId to, Message message);
}

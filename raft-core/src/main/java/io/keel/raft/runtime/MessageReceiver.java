package io.keel.raft.runtime;

import io.keel.raft.GroupId;
import io.keel.raft.message.Message;

/**
 * Where a {@link PeerNetwork} hands the messages it receives. {@link RaftRuntime} implements it,
 * routing each message to its group's event loop. Called from the network's own threads; it must
 * return quickly and never block.
 */
@FunctionalInterface
public interface MessageReceiver {

  /**
   * A message of group {@code group} has arrived. The sender, {@link Message#from()}, has already
   * been checked against the identity the connection proved.
   */
  void receive(GroupId group, Message message);
}

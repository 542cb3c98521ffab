package io.keel.raft.runtime;

import io.keel.raft.Configuration;
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

  /**
   * Group {@code group}'s node refused a message from {@code peer} because no correct peer could
   * have sent it ({@link io.keel.raft.protocol.ImpossibleMessage}): the peer is broken, corrupted
   * or lying. The node dropped and counted the message and goes on; a network should close its
   * connection to {@code peer} (a correct peer reconnects) and log the reason, rate-limited. Called
   * on the group's event thread: it must return quickly and never block or throw. By default it
   * does nothing.
   */
  default void onImpossibleMessage(GroupId group, NodeId peer, String reason) {}

  /**
   * Refuses a group this network could not serve, before it starts: {@link RaftRuntime#startGroup}
   * calls it before it opens the group's log. A network with limits of its own (a largest frame,
   * a bounded queue) checks here that the group's largest message fits them, so that settings that
   * contradict each other fail at start rather than at the first large command. By default it
   * accepts every group.
   *
   * @throws IllegalArgumentException naming the group's setting and the network's that disagree
   */
  default void checkGroup(GroupOptions<?> options) {}

  /**
   * Group {@code group}'s configuration in force on this node is now {@code configuration}: once
   * when the group starts, and on every change after (an appended configuration entry, a
   * truncation that removed one, an installed snapshot). A network that dials its peers connects to
   * members it did not know, at the address the configuration gives them, and may drop peers that
   * no group's configuration names any more (but should keep those it was built with). Called on
   * the group's event thread: it must return quickly and never block or throw. By default it does
   * nothing.
   */
  default void onConfiguration(GroupId group, Configuration configuration) {}

  /**
   * Whether this network can reach {@code peer} now, for status reports ({@link GroupStatus}): a
   * voter it cannot reach must not go unnoticed. By default {@link Reachability#UNKNOWN}.
   */
  default Reachability reachability(NodeId peer) {
    return Reachability.UNKNOWN;
  }

  /** What a network knows of its way to one peer. */
  enum Reachability {
    /** A connection is open. */
    CONNECTED,
    /** The peer has an address, but no connection is open now (being dialled, or refused). */
    DISCONNECTED,
    /** The network has no address for the peer: nothing can be sent to it. */
    NO_ADDRESS,
    /** The network does not say. */
    UNKNOWN
  }
}

package io.keel.raft.runtime;

import io.keel.raft.Configuration;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.protocol.RaftNode;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the configuration in force on one group's node, on its event thread: each time it
 * changes (a configuration entry appended or truncated away, a snapshot installed), it tells the
 * {@link PeerNetwork}, so that new members are dialled and removed ones dropped, and logs the new
 * configuration and any voter the network has no address for. It also answers, for a status read,
 * how the network reaches each member.
 */
final class ConfigurationWatch {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigurationWatch.class);

  private final String name;
  private final GroupId group;
  private final NodeId self;
  private final PeerNetwork network;
  /** The configuration last announced; the node hands out the same instance until it changes. */
  private Configuration announced;
  /** What the network was last told this node must reach. */
  private Configuration announcedPeers;

  ConfigurationWatch(String name, GroupId group, NodeId self, PeerNetwork network) {
    this.name = name;
    this.group = group;
    this.self = self;
    this.network = network;
  }

  /**
   * After a burst of events: tells the network whom the node must reach, if that changed (the
   * configuration in force, with any nodes a leader is catching up), and logs a new configuration.
   */
  void afterEvents(RaftNode<?> node) {
    Configuration peers = node.membership().peers();
    if (peers != announcedPeers) {
      announcedPeers = peers;
      network.onConfiguration(group, peers);
    }
    Configuration current = node.configuration();
    if (current == announced) {
      return;
    }
    boolean first = announced == null;
    announced = current;
    if (current.members().isEmpty()) {
      LOG.info("{}: no configuration yet: this node waits to be added to the group", name);
      return;
    }
    LOG.info("{}: configuration {}{} (entry {})", name, first ? "at start: " : "now ", current,
        node.membership().configurationIndex());
    for (NodeId voter : current.members()) {
      if (current.isVoter(voter) && !voter.equals(self)
          && network.reachability(voter) == PeerNetwork.Reachability.NO_ADDRESS) {
        LOG.warn("{}: voter {} has no address on this node's network: it cannot be reached, and a quorum may "
            + "need it (give it an address in the configuration, or add it to the transport's peers)", name, voter);
      }
    }
  }

  /** How the network reaches each member of {@code configuration} but this node; asked on a status read. */
  Map<NodeId, PeerNetwork.Reachability> reachability(Configuration configuration) {
    Map<NodeId, PeerNetwork.Reachability> states = new TreeMap<>();
    for (NodeId member : configuration.members()) {
      if (!member.equals(self)) {
        states.put(member, network.reachability(member));
      }
    }
    return states;
  }
}

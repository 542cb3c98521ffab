package io.keel.transport.netty;

import io.keel.raft.Configuration;
import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transport's peers: the link to each, and who owns it. The user owns the peers given to the
 * builder or to {@link NettyTransport#addPeer}; they stay until the user removes them, though a
 * configuration may give one a new address. The groups' configurations
 * ({@link NettyTransport#onConfiguration}) own the peers they brought in, which stay while some
 * group's newest configuration names them and go when none does.
 *
 * <p>Links are read without a lock, from any thread. Groups change them from their own event
 * threads, several at once, and the user from any thread: every change holds this object's lock
 * while it updates the bookkeeping and the links, and none waits for I/O (a link a configuration
 * brings in is dialed from an I/O thread).
 */
final class PeerTable {

  private static final Logger LOG = LoggerFactory.getLogger(PeerTable.class);

  private final NettyTransport transport;
  private final Map<NodeId, PeerLink> links = new ConcurrentHashMap<>();
  /** Nodes messages were addressed to without an address; each is warned about once. */
  private final Set<NodeId> unknownPeers = ConcurrentHashMap.newKeySet();
  /** Per group, the members other than this node that its newest configuration names. Guarded by this. */
  private final Map<GroupId, Set<NodeId>> namedByGroup = new HashMap<>();
  /** The peers a configuration brought in; every other peer was given by the user. Guarded by this. */
  private final Set<NodeId> learned = new HashSet<>();

  PeerTable(NettyTransport transport) {
    this.transport = transport;
  }

  /** The link to {@code peer}, or null if it is no peer. */
  PeerLink link(NodeId peer) {
    return links.get(peer);
  }

  /** Every link, as a live view. */
  Collection<PeerLink> all() {
    return links.values();
  }

  /** Records a message to {@code node}, which is no peer; whether it is the first such. */
  boolean noteUnknown(NodeId node) {
    return unknownPeers.add(node);
  }

  /** The nodes messages were addressed to that were no peers at the time (a live view). */
  Set<NodeId> unknownPeers() {
    return Collections.unmodifiableSet(unknownPeers);
  }

  /** The user adds {@code peer}, or gives it a new address, and dials it: it is the user's now. */
  synchronized void addByUser(NodeId peer, InetSocketAddress address) {
    learned.remove(peer);
    replaceLink(peer, address).connect();
  }

  /** The user removes {@code peer}; a configuration that names it with an address adds it again. */
  synchronized void removeByUser(NodeId peer) {
    learned.remove(peer);
    dropLink(peer);
  }

  /**
   * Group {@code group}'s configuration is now {@code configuration}: links to its members at the
   * addresses it gives them, and drops the peers configurations brought in that no group names any
   * more. Logs, rate-limited, each address that does not parse and each member it cannot reach.
   */
  synchronized void onConfiguration(GroupId group, Configuration configuration) {
    if (!transport.isRunning()) {
      return;
    }
    NodeId self = transport.self();
    TreeSet<NodeId> named = new TreeSet<>(configuration.members());
    named.remove(self);
    List<String> unaddressed = new ArrayList<>();
    List<String> malformed = new ArrayList<>();
    for (NodeId member : named) {
      Optional<String> address = configuration.address(member);
      if (address.isPresent()) {
        follow(group, member, address.get(), malformed);
      } else if (!links.containsKey(member)) {
        unaddressed.add((configuration.isVoter(member) ? "voter " : "learner ") + member);
      }
    }
    if (named.isEmpty()) {
      namedByGroup.remove(group);
    } else {
      namedByGroup.put(group, named);
    }
    dropUnnamed();
    if (!malformed.isEmpty()) {
      transport.warn(ConnectionWarning.MALFORMED_PEER_ADDRESS, self + ": group " + group + " gives members addresses "
          + "that do not parse, skipped: " + String.join("; ", malformed));
    }
    if (!unaddressed.isEmpty()) {
      transport.warn(ConnectionWarning.UNADDRESSED_MEMBER, self + ": cannot reach " + String.join(", ", unaddressed)
          + " of group " + group + ": no address (give it one in the configuration, or add the peer with "
          + "Builder.peer or addPeer)");
    }
  }

  /**
   * Links to {@code member} at the address {@code text}, unless it has a link there already; if
   * the address does not parse, says why in {@code malformed} instead.
   */
  private void follow(GroupId group, NodeId member, String text, List<String> malformed) {
    InetSocketAddress address;
    try {
      address = PeerAddresses.parse(text);
    } catch (IllegalArgumentException e) {
      malformed.add(member + " at '" + text + "' (" + e.getMessage() + ")");
      return;
    }
    PeerLink link = links.get(member);
    if (link != null && PeerAddresses.same(link.address, address)) {
      return;
    }
    if (link == null) {
      learned.add(member);
      LOG.info("{}: group {} names {} at {}: added as a peer", transport.self(), group, member, text);
    } else {
      LOG.info("{}: group {} moves {} from {} to {}", transport.self(), group, member, link.address, text);
    }
    PeerLink fresh = replaceLink(member, address);
    try {
      transport.scheduler().execute(fresh::connect); // resolving a host name may take a while
    } catch (RejectedExecutionException closing) {
      // The transport is closing: there is nothing to dial any more.
    }
  }

  /** Drops every peer a configuration brought in that no group's configuration names now. */
  private void dropUnnamed() {
    Iterator<NodeId> peers = learned.iterator();
    while (peers.hasNext()) {
      NodeId peer = peers.next();
      if (namedByGroup.values().stream().noneMatch(named -> named.contains(peer))) {
        peers.remove();
        dropLink(peer);
        LOG.info("{}: no group's configuration names {} any more: removed as a peer", transport.self(), peer);
      }
    }
  }

  /** Replaces {@code peer}'s link, if any, by a new one to {@code address}, not yet dialed. */
  private PeerLink replaceLink(NodeId peer, InetSocketAddress address) {
    unknownPeers.remove(peer);
    PeerLink link = new PeerLink(peer, address, transport.self().compareTo(peer) < 0, transport);
    PeerLink previous = links.put(peer, link);
    if (previous != null) {
      previous.remove();
    }
    return link;
  }

  private void dropLink(NodeId peer) {
    PeerLink link = links.remove(peer);
    if (link != null) {
      link.remove();
    }
  }
}

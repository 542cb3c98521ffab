package io.keel.raft;

import java.util.Optional;

/**
 * A proposal was made to a node that is not the leader. Retry at the leader it names, if any.
 */
public final class NotLeaderException extends RaftException {

  private final transient NodeId leader;

  /** A rejection from {@code node}, which knows {@code leader} as leader (or null if none). */
  public NotLeaderException(NodeId node, NodeId leader) {
    super(node + " is not the leader" + (leader == null ? "; no leader is known" : "; the leader is " + leader));
    this.leader = leader;
  }

  /** The leader the rejecting node knows of, if any. */
  public Optional<NodeId> leader() {
    return Optional.ofNullable(leader);
  }
}

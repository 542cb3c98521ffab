package io.keel.raft.snapshot;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import java.util.Collection;
import java.util.Objects;

/**
 * What a snapshot stands for: the state machine's state after applying every entry through
 * {@code lastIndex}, whose term is {@code lastTerm}, and the group's configuration at that index
 * (the newest configuration entry at or before it, or the one the group started with): a node
 * that installs the snapshot and discards its log learns its members from here.
 *
 * @param lastIndex the index of the last entry the snapshot includes; 0 for the empty state
 * @param lastTerm the term of that entry; 0 exactly when {@code lastIndex} is 0
 * @param configuration the configuration at {@code lastIndex}, with at least one voter
 */
public record SnapshotMeta(long lastIndex, long lastTerm, Configuration configuration) {

  /** Validates the meta. */
  public SnapshotMeta {
    if (lastIndex < 0 || lastTerm < 0) {
      throw new IllegalArgumentException("a snapshot's last index and term must not be negative, got "
          + lastIndex + "@" + lastTerm);
    }
    if ((lastIndex == 0) != (lastTerm == 0)) {
      throw new IllegalArgumentException("a snapshot's last term is 0 exactly when its last index is 0 (entry 0 has "
          + "term 0, and every other entry a term of at least 1), got " + lastIndex + "@" + lastTerm);
    }
    Objects.requireNonNull(configuration, "configuration");
    if (configuration.voters().isEmpty()) {
      throw new IllegalArgumentException("a snapshot's configuration has at least one voter, got " + configuration);
    }
  }

  /** A snapshot of a group whose configuration is {@code voters} alone ({@link Configuration#ofVoters}). */
  public SnapshotMeta(long lastIndex, long lastTerm, Collection<NodeId> voters) {
    this(lastIndex, lastTerm, Configuration.ofVoters(voters));
  }

  @Override
  public String toString() {
    return lastIndex + "@" + lastTerm + " " + configuration;
  }
}

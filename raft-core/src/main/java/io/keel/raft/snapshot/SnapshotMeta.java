package io.keel.raft.snapshot;

import io.keel.raft.NodeId;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a snapshot stands for: the state machine's state after applying every entry through
 * {@code lastIndex}, whose term is {@code lastTerm}, and the voters of the cluster at that index.
 * Membership changes will add to it (learners, a joint configuration), so every stored encoding of
 * it carries its own version.
 *
 * @param lastIndex the index of the last entry the snapshot includes; 0 for the empty state
 * @param lastTerm the term of that entry; 0 exactly when {@code lastIndex} is 0
 * @param voters the voters at {@code lastIndex}: at least one, none twice, in the order given
 */
public record SnapshotMeta(long lastIndex, long lastTerm, List<NodeId> voters) {

  /** The most voters a snapshot records. */
  public static final int MAX_VOTERS = 1024;

  /** Validates the meta and copies the voters. */
  public SnapshotMeta {
    if (lastIndex < 0 || lastTerm < 0) {
      throw new IllegalArgumentException("a snapshot's last index and term must not be negative, got "
          + lastIndex + "@" + lastTerm);
    }
    if ((lastIndex == 0) != (lastTerm == 0)) {
      throw new IllegalArgumentException("a snapshot's last term is 0 exactly when its last index is 0 (entry 0 has "
          + "term 0, and every other entry a term of at least 1), got " + lastIndex + "@" + lastTerm);
    }
    Objects.requireNonNull(voters, "voters");
    if (voters.isEmpty() || voters.size() > MAX_VOTERS) {
      throw new IllegalArgumentException("a snapshot records 1 to " + MAX_VOTERS + " voters, got " + voters.size());
    }
    voters = List.copyOf(voters); // refuses a null voter
    Set<NodeId> seen = new HashSet<>();
    for (NodeId voter : voters) {
      if (!seen.add(voter)) {
        throw new IllegalArgumentException("voter " + voter + " appears twice in " + voters);
      }
    }
  }

  @Override
  public String toString() {
    return lastIndex + "@" + lastTerm + " voters " + voters;
  }
}

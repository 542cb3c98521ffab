package io.keel.raft;

import java.util.Objects;

/**
 * The name of one Raft group. A process may run many groups (multi-raft); they share threads,
 * the transport and one connection per peer, and every message on the wire says which group it
 * belongs to. 1 to 64 characters of letters, digits, '.', '_' or '-'.
 *
 * @param value the name as configured, e.g. {@code "kv"} or {@code "shard-17"}
 */
public record GroupId(String value) implements Comparable<GroupId> {

  /** The longest name accepted, in characters. */
  public static final int MAX_LENGTH = 64;

  /** Validates the name. */
  public GroupId {
    Objects.requireNonNull(value, "group id");
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "group id must be 1 to " + MAX_LENGTH + " characters long, got '" + value + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      if (!NodeId.isAllowed(value.charAt(i))) {
        throw new IllegalArgumentException(
            "group id may hold only letters, digits, '.', '_' and '-', got '" + value + "'");
      }
    }
  }

  /** Shorthand for {@code new GroupId(value)}. */
  public static GroupId of(String value) {
    return new GroupId(value);
  }

  @Override
  public int compareTo(GroupId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}

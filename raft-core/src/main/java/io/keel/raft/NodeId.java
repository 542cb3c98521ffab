package io.keel.raft;

import java.util.Objects;

/**
 * The identity of one Raft node: 1 to 64 characters of letters, digits, '.', '_' or '-'.
 *
 * @param value the identifier as configured, e.g. {@code "n1"}
 */
public record NodeId(String value) implements Comparable<NodeId> {

  /** The longest identifier accepted, in characters. */
  public static final int MAX_LENGTH = 64;

  /** Validates the identifier. */
  public NodeId {
    Objects.requireNonNull(value, "node id");
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "node id must be 1 to " + MAX_LENGTH + " characters long, got '" + value + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      if (!isAllowed(value.charAt(i))) {
        throw new IllegalArgumentException(
            "node id may hold only letters, digits, '.', '_' and '-', got '" + value + "'");
      }
    }
  }

  /** Whether {@code c} may appear in a node or group id. */
  static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == '-';
  }

  /** Shorthand for {@code new NodeId(value)}. */
  public static NodeId of(String value) {
    return new NodeId(value);
  }

  @Override
  public int compareTo(NodeId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}

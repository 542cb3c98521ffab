package io.keel.raft;

import io.keel.raft.ConfigurationChangeException.Reason;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A change of a group's members, as an administrator asks for it: any number of nodes added as
 * voters or learners, learners promoted, voters demoted to learners, and members removed, all in
 * one change. The leader moves the group through a joint configuration to the result (Raft thesis
 * §4.3) unless only learners change, which needs no joint step.
 *
 * <pre>{@code
 * ConfigurationChange grow = ConfigurationChange.builder()
 *     .addVoter(NodeId.of("n4"), "10.0.0.4:7000")
 *     .addVoter(NodeId.of("n5"), "10.0.0.5:7000")
 *     .build();
 * }</pre>
 */
public final class ConfigurationChange {

  /** What happens to one node. */
  private enum Action { ADD_VOTER, ADD_LEARNER, PROMOTE, DEMOTE, REMOVE }

  private record Step(Action action, String address) {}

  private final Map<NodeId, Step> steps;

  private ConfigurationChange(Map<NodeId, Step> steps) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a configuration change changes at least one member");
    }
    this.steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
  }

  /** A builder for a change of several members at once. */
  public static Builder builder() {
    return new Builder();
  }

  /** Adds {@code node} as a learner, reached at {@code address} (null: through the transport's own table). */
  public static ConfigurationChange addLearner(NodeId node, String address) {
    return builder().addLearner(node, address).build();
  }

  /** Adds {@code node} as a voter, once it has caught up, reached at {@code address} (null: as for a learner). */
  public static ConfigurationChange addVoter(NodeId node, String address) {
    return builder().addVoter(node, address).build();
  }

  /** Makes learner {@code node} a voter, once it has caught up. */
  public static ConfigurationChange promote(NodeId node) {
    return builder().promote(node).build();
  }

  /** Removes member {@code node}, voter or learner. */
  public static ConfigurationChange remove(NodeId node) {
    return builder().remove(node).build();
  }

  /**
   * The configuration this change leads to from {@code current}, which must not be joint.
   *
   * @throws ConfigurationChangeException ({@link Reason#INVALID}) if a step names a node in the
   *     wrong role (adding a member, promoting a non-learner, removing a non-member...) or the
   *     result would have no voter
   */
  public Configuration applyTo(Configuration current) {
    if (current.isJoint()) {
      throw new IllegalArgumentException("a change applies to a configuration that is not joint, got " + current);
    }
    TreeSet<NodeId> voters = new TreeSet<>(current.voters());
    TreeSet<NodeId> learners = new TreeSet<>(current.learners());
    TreeMap<NodeId, String> addresses = new TreeMap<>(current.addresses());
    steps.forEach((node, step) -> {
      String role = voters.contains(node) ? "a voter" : learners.contains(node) ? "a learner" : "not a member";
      boolean allowed = switch (step.action()) {
        case ADD_VOTER -> role.equals("not a member") && voters.add(node);
        case ADD_LEARNER -> role.equals("not a member") && learners.add(node);
        case PROMOTE -> learners.remove(node) && voters.add(node);
        case DEMOTE -> voters.remove(node) && learners.add(node);
        case REMOVE -> voters.remove(node) | learners.remove(node);
      };
      if (!allowed) {
        throw new ConfigurationChangeException(Reason.INVALID, "cannot " + describe(step.action()) + " " + node
            + ": it is " + role + " in " + current);
      }
      if (step.action() == Action.REMOVE) {
        addresses.remove(node);
      } else if (step.address() != null) {
        addresses.put(node, step.address());
      }
    });
    if (voters.isEmpty()) {
      throw new ConfigurationChangeException(Reason.INVALID, "the change would leave no voter: " + this
          + " applied to " + current);
    }
    try {
      return new Configuration(voters, new TreeSet<>(), learners, addresses);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationChangeException(Reason.INVALID, "the change gives an invalid configuration: "
          + e.getMessage());
    }
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    steps.forEach((node, step) -> text.append(text.isEmpty() ? "" : ", ").append(describe(step.action()))
        .append(' ').append(node));
    return text.toString();
  }

  private static String describe(Action action) {
    return action.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  /** Collects the steps of one change; each node may appear once. */
  public static final class Builder {
    private final Map<NodeId, Step> steps = new LinkedHashMap<>();

    private Builder() {}

    /** Adds {@code node} as a voter, reached at {@code address} (null: through the transport's own table). */
    public Builder addVoter(NodeId node, String address) {
      return step(node, Action.ADD_VOTER, address);
    }

    /** Adds {@code node} as a learner, reached at {@code address} (null: through the transport's own table). */
    public Builder addLearner(NodeId node, String address) {
      return step(node, Action.ADD_LEARNER, address);
    }

    /** Makes learner {@code node} a voter. */
    public Builder promote(NodeId node) {
      return step(node, Action.PROMOTE, null);
    }

    /** Makes voter {@code node} a learner. */
    public Builder demote(NodeId node) {
      return step(node, Action.DEMOTE, null);
    }

    /** Removes member {@code node}. */
    public Builder remove(NodeId node) {
      return step(node, Action.REMOVE, null);
    }

    /** The change. */
    public ConfigurationChange build() {
      return new ConfigurationChange(steps);
    }

    private Builder step(NodeId node, Action action, String address) {
      Objects.requireNonNull(node, "node");
      if (steps.putIfAbsent(node, new Step(action, address)) != null) {
        throw new IllegalArgumentException(node + " appears twice in one change");
      }
      return this;
    }
  }
}

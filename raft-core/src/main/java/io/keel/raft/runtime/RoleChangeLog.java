package io.keel.raft.runtime;

import io.keel.raft.NodeId;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each change of one group's role or term on this node, with its cause as far as the node's
 * state shows it: a follower that campaigns says how long it had not heard from its leader, a
 * leader that steps down in its own term says that CheckQuorum made it. An operator who sees
 * leadership move can tell a dead leader from a starved event thread, a slow disk or a partition.
 * Runs on the group's event loop, once per burst; it costs a few comparisons when nothing changed.
 */
final class RoleChangeLog {

  private static final Logger LOG = LoggerFactory.getLogger(RoleChangeLog.class);

  private final String name;
  private Role role = Role.FOLLOWER;
  private long term;
  /** The leader of {@link #term}, once this node knew it. */
  private NodeId leader;

  /** {@code name} says which group on which node, as log lines name it. */
  RoleChangeLog(String name, RaftNode<?> node) {
    this.name = name;
    this.term = node.currentTerm();
  }

  /**
   * Compares the node's role and term with the last burst's and logs what changed.
   *
   * @return the line logged, or null if nothing changed that is worth a line
   */
  String observe(RaftNode<?> node, long nowNanos) {
    Role nowRole = node.role();
    long nowTerm = node.currentTerm();
    if (nowRole == role && nowTerm == term) {
      if (leader == null && role == Role.FOLLOWER) {
        leader = node.leader().orElse(null); // one leader per term: once known, it stays
      }
      return null;
    }
    String line = describeChange(node, nowRole, nowTerm, nowNanos);
    if (line != null) {
      if (role == Role.LEADER && nowRole == Role.FOLLOWER && nowTerm == term) {
        LOG.warn("{}: {}", name, line);
      } else {
        LOG.info("{}: {}", name, line);
      }
    }
    role = nowRole;
    term = nowTerm;
    leader = nowRole == Role.FOLLOWER ? node.leader().orElse(null) : null;
    return line;
  }

  private String describeChange(RaftNode<?> node, Role nowRole, long nowTerm, long nowNanos) {
    if (nowRole == Role.PRE_CANDIDATE) {
      return "pre-vote for term " + (nowTerm + 1) + ": " + campaignCause(node, nowRole, nowNanos);
    }
    if (nowRole == Role.CANDIDATE) {
      return "campaigning for term " + nowTerm + ": " + campaignCause(node, nowRole, nowNanos);
    }
    if (nowRole == Role.LEADER) {
      return "leads term " + nowTerm;
    }
    if (role == Role.LEADER && nowRole == Role.FOLLOWER && nowTerm == term) {
      return "stepped down in term " + nowTerm + ": " + node.stepDownReason();
    }
    if (nowRole == Role.FOLLOWER && nowTerm > term) {
      return "follows term " + nowTerm + " (" + node.leader().map(id -> "leader " + id).orElse("no leader known yet")
          + "), was " + describe(role) + " of term " + term;
    }
    return null; // a lost (pre-)vote round: the node waits as a follower of the same term
  }

  /** Why the node campaigns; its last contact with the leader outlives the leader's id in the node. */
  private String campaignCause(RaftNode<?> node, Role nowRole, long nowNanos) {
    if (role == Role.FOLLOWER && leader != null) {
      long silentMillis = TimeUnit.NANOSECONDS.toMillis(nowNanos - node.lastLeaderContactNanos());
      return "election timeout, nothing heard from leader " + leader + " of term " + term + " for "
          + silentMillis + " ms";
    }
    if (role == Role.FOLLOWER) {
      return "election timeout, no leader known in term " + term;
    }
    if (role == Role.PRE_CANDIDATE && nowRole == Role.CANDIDATE) {
      return "a majority granted the pre-vote";
    }
    return "the " + describe(role) + " round of term " + term + " ended without a winner";
  }

  private static String describe(Role role) {
    return role.name().toLowerCase().replace('_', '-');
  }
}

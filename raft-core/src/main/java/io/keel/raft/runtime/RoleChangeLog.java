package io.keel.raft.runtime;

import io.keel.raft.NodeId;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each change of one group's role or term on this node, with its cause as far as the node's
 * state shows it: a follower that campaigns says how long it had not heard from its leader, a
 * leader that steps down in its own term says that CheckQuorum made it. An operator who sees
 * leadership move can tell a dead leader from a starved event thread, a slow disk or a partition.
 * Runs on the group's event loop, once per burst; it costs two comparisons when nothing changed.
 */
final class RoleChangeLog {

  private static final Logger LOG = LoggerFactory.getLogger(RoleChangeLog.class);

  private final String name;
  private Role role = Role.FOLLOWER;
  private long term;
  private NodeId leader;
  private long leaderContactNanos;

  /** {@code name} says which group on which node, as log lines name it. */
  RoleChangeLog(String name, RaftNode<?> node) {
    this.name = name;
    this.term = node.currentTerm();
  }

  /** Compares the node's role and term with the last burst's and logs what changed. */
  void observe(RaftNode<?> node, long nowNanos) {
    Role nowRole = node.role();
    long nowTerm = node.currentTerm();
    if (nowRole == role && nowTerm == term) {
      rememberLeader(node);
      return;
    }
    if (nowRole == Role.PRE_CANDIDATE || nowRole == Role.CANDIDATE) {
      LOG.info("{}: {} for term {}: {}", name, nowRole == Role.PRE_CANDIDATE ? "pre-vote" : "campaigning",
          nowRole == Role.PRE_CANDIDATE ? nowTerm + 1 : nowTerm, campaignCause(nowRole, nowTerm, nowNanos));
    } else if (nowRole == Role.LEADER) {
      LOG.info("{}: leads term {}", name, nowTerm);
    } else if (role == Role.LEADER && nowRole == Role.FOLLOWER && nowTerm == term) {
      LOG.warn("{}: stepped down in term {}: CheckQuorum heard from no majority within the minimum election "
          + "timeout", name, nowTerm);
    } else if (nowRole == Role.FOLLOWER && nowTerm > term) {
      Optional<NodeId> newLeader = node.leader();
      LOG.info("{}: follows term {} ({}), was {} of term {}", name, nowTerm,
          newLeader.map(id -> "leader " + id).orElse("no leader known yet"), describe(role), term);
    }
    role = nowRole;
    term = nowTerm;
    leader = null;
    rememberLeader(node);
  }

  private void rememberLeader(RaftNode<?> node) {
    if (role == Role.FOLLOWER) {
      Optional<NodeId> known = node.leader();
      if (known.isPresent()) {
        leader = known.get();
        leaderContactNanos = node.lastLeaderContactNanos();
      }
    }
  }

  private String campaignCause(Role nowRole, long nowTerm, long nowNanos) {
    if (role == Role.FOLLOWER && leader != null) {
      long silentMillis = TimeUnit.NANOSECONDS.toMillis(nowNanos - leaderContactNanos);
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

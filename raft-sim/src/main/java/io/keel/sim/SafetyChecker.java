package io.keel.sim;

import io.keel.raft.LogEntry;
import io.keel.raft.NodeId;
import io.keel.raft.protocol.RaftNode;
import io.keel.raft.protocol.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks Raft's safety properties across the cluster after every event (Raft paper, Figure 3):
 * Election Safety, Leader Completeness, State Machine Safety (a committed entry never changes and
 * every node applies the same command at each index), plus each node's own invariants. A violation
 * throws {@link SafetyViolation}.
 */
final class SafetyChecker {

  /** A broken safety property, with what broke it. */
  static final class SafetyViolation extends RuntimeException {
    SafetyViolation(String message) {
      super(message);
    }
  }

  private final Map<Long, NodeId> leaderOfTerm = new HashMap<>();
  private final List<LogEntry> committed = new ArrayList<>();
  private final Map<Long, byte[]> appliedAt = new HashMap<>();
  private final Map<NodeId, Long> checkedCommitIndex = new HashMap<>();
  private final Map<NodeId, Long> checkedLeaderTerm = new HashMap<>();

  void onApplied(NodeId node, long index, byte[] command) {
    byte[] before = appliedAt.putIfAbsent(index, command);
    if (before != null && !Arrays.equals(before, command)) {
      throw new SafetyViolation("State Machine Safety: " + node + " applied a different command at index " + index);
    }
  }

  void onRestart(NodeId node) {
    checkedCommitIndex.remove(node);
    checkedLeaderTerm.remove(node);
  }

  /** Checks one live node after an event that touched it. */
  void check(SimulatedNode<?> simulated) {
    RaftNode<?> node = simulated.raft();
    node.checkInvariants();
    if (node.role() == Role.LEADER) {
      checkElectionSafety(node);
      checkLeaderCompleteness(simulated);
    }
    checkCommittedEntries(simulated);
  }

  long highestCommitted() {
    return committed.size();
  }

  int termsWithLeader() {
    return leaderOfTerm.size();
  }

  private void checkElectionSafety(RaftNode<?> node) {
    NodeId before = leaderOfTerm.putIfAbsent(node.currentTerm(), node.id());
    if (before != null && !before.equals(node.id())) {
      throw new SafetyViolation("Election Safety: " + before + " and " + node.id()
          + " were both leaders of term " + node.currentTerm());
    }
  }

  /** A leader holds every committed entry; checked once per node and term. */
  private void checkLeaderCompleteness(SimulatedNode<?> simulated) {
    RaftNode<?> node = simulated.raft();
    Long checkedTerm = checkedLeaderTerm.get(node.id());
    if (checkedTerm != null && checkedTerm == node.currentTerm()) {
      return;
    }
    checkedLeaderTerm.put(node.id(), node.currentTerm());
    for (LogEntry entry : committed) {
      if (entry.index() > simulated.store().lastIndex() || !simulated.store().entry(entry.index()).equals(entry)) {
        throw new SafetyViolation("Leader Completeness: " + node.id() + " leads term " + node.currentTerm()
            + " without committed entry " + entry);
      }
    }
  }

  /** Entries newly committed on this node match what any node committed at that index before. */
  private void checkCommittedEntries(SimulatedNode<?> simulated) {
    RaftNode<?> node = simulated.raft();
    long from = checkedCommitIndex.getOrDefault(node.id(), 0L) + 1;
    for (long index = from; index <= node.commitIndex(); index++) {
      LogEntry entry = simulated.store().entry(index);
      if (index <= committed.size()) {
        LogEntry before = committed.get((int) index - 1);
        if (!before.equals(entry)) {
          throw new SafetyViolation("State Machine Safety: committed entry " + before + " became " + entry
              + " on " + node.id());
        }
      } else {
        committed.add(entry);
      }
    }
    checkedCommitIndex.put(node.id(), Math.max(from - 1, node.commitIndex()));
  }
}

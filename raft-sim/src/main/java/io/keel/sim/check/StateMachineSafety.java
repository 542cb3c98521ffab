package io.keel.sim.check;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * State Machine Safety (Raft paper, Figure 3): if a server has applied a log entry at a given index,
 * no other server ever applies a different entry at that index. Also: each incarnation of a node
 * applies in increasing index order, and every node's state machine gives the same result for the
 * same index (the state machine is deterministic, as replication requires).
 */
public final class StateMachineSafety {

  private final Map<Long, Long> attemptAt = new HashMap<>();
  private final Map<Long, Object> resultAt = new HashMap<>();
  private long[] lastApplied = new long[0];

  /** A node starts (or restarts) with an empty state machine. */
  void onStart(int node, int nodes) {
    if (lastApplied.length < nodes) {
      lastApplied = Arrays.copyOf(lastApplied, nodes);
    }
    lastApplied[node - 1] = 0;
  }

  /** Node {@code node} applied client attempt {@code attemptId} at {@code index}, with {@code result}. */
  void onApplied(int node, long index, long attemptId, Object result) {
    if (index <= lastApplied[node - 1]) {
      throw Violation.safety("State Machine Safety", "n" + node + " applied index " + index + " after index "
          + lastApplied[node - 1]);
    }
    lastApplied[node - 1] = index;
    Long before = attemptAt.putIfAbsent(index, attemptId);
    if (before != null && before != attemptId) {
      throw Violation.safety("State Machine Safety", "n" + node + " applied attempt " + attemptId + " at index "
          + index + ", where another node applied attempt " + before);
    }
    if (before == null) {
      resultAt.put(index, result);
      return;
    }
    Object resultBefore = resultAt.get(index);
    if (!Objects.equals(resultBefore, result)) {
      throw Violation.safety("State Machine Safety", "n" + node + " got " + result + " applying index " + index
          + ", where another node got " + resultBefore + " (is the state machine deterministic?)");
    }
  }

  /** The result the state machines gave at {@code index}, or null if none applied it yet. */
  Object resultAt(long index) {
    return resultAt.get(index);
  }
}

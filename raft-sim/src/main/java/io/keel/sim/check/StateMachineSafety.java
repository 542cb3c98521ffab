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
  private final Map<Long, Long> contentAt = new HashMap<>();
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

  /**
   * Node {@code node}'s state machine holds the state at {@code index} whose contents digest to
   * {@code contentHash}: restored from a snapshot (when it starts, or installed from a leader),
   * or written into one it took. Every node's contents at one index must be the same; a restored
   * state machine applies only entries after {@code index}.
   */
  void onRestored(int node, long index, long contentHash, boolean applies) {
    Long before = contentAt.putIfAbsent(index, contentHash);
    if (before != null && before != contentHash) {
      throw Violation.safety("State Machine Safety", "n" + node + "'s state machine at index " + index
          + " digests to " + Long.toHexString(contentHash) + ", where another node's digested to "
          + Long.toHexString(before));
    }
    if (applies) {
      if (index < lastApplied[node - 1]) {
        throw Violation.safety("State Machine Safety", "n" + node + " restored the state at index " + index
            + " after applying index " + lastApplied[node - 1]);
      }
      lastApplied[node - 1] = index;
    }
  }

  /** The result the state machines gave at {@code index}, or null if none applied it yet. */
  Object resultAt(long index) {
    return resultAt.get(index);
  }
}

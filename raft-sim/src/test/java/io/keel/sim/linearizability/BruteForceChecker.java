package io.keel.sim.linearizability;

import io.keel.sim.linearizability.RandomSmallHistory.Ending;
import io.keel.sim.linearizability.RandomSmallHistory.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Linearizability by definition, for tiny histories: for every choice of which operations of
 * unknown outcome happened, try every order of the chosen and the ok operations that respects real
 * time, and run it on a map of registers. No memo, no per-key split, no entry list: nothing shared
 * with the checker under test, so that the two can only agree by both being right.
 */
final class BruteForceChecker {

  private BruteForceChecker() {}

  static boolean isLinearizable(List<Op> history) {
    List<Op> certain = new ArrayList<>();
    List<Op> uncertain = new ArrayList<>();
    for (Op op : history) {
      if (op.ending() == Ending.OK) {
        certain.add(op);
      } else if ((op.ending() == Ending.INFO || op.ending() == Ending.NEVER)
          && op.kind() != OperationKind.READ) {
        // A failed operation did not happen; a read of unknown outcome returned nothing to check.
        uncertain.add(op);
      }
    }
    for (int chosen = 0; chosen < (1 << uncertain.size()); chosen++) {
      List<Op> happened = new ArrayList<>(certain);
      for (int i = 0; i < uncertain.size(); i++) {
        if ((chosen & (1 << i)) != 0) {
          happened.add(uncertain.get(i));
        }
      }
      if (someOrderIsLegal(happened, new boolean[happened.size()], 0, new HashMap<>())) {
        return true;
      }
    }
    return false;
  }

  /** Completion time for ordering: an operation of unknown outcome never ends. */
  private static long end(Op op) {
    return op.ending() == Ending.OK ? op.complete() : Long.MAX_VALUE;
  }

  private static boolean someOrderIsLegal(
      List<Op> ops, boolean[] placed, int placedCount, Map<String, String> registers) {
    if (placedCount == ops.size()) {
      return true;
    }
    for (int next = 0; next < ops.size(); next++) {
      if (placed[next] || !allPredecessorsPlaced(ops, placed, next)) {
        continue;
      }
      Op op = ops.get(next);
      String before = registers.get(op.key());
      boolean legal = switch (op.kind()) {
        case READ -> Objects.equals(before, op.readValue());
        case WRITE -> true;
        case CAS -> Objects.equals(before, op.argument());
      };
      if (!legal) {
        continue;
      }
      Map<String, String> after = new HashMap<>(registers);
      if (op.kind() == OperationKind.WRITE) {
        after.put(op.key(), op.argument());
      } else if (op.kind() == OperationKind.CAS) {
        after.put(op.key(), op.replacement());
      }
      placed[next] = true;
      boolean found = someOrderIsLegal(ops, placed, placedCount + 1, after);
      placed[next] = false;
      if (found) {
        return true;
      }
    }
    return false;
  }

  /** Every operation that completed strictly before this one was invoked must come first. */
  private static boolean allPredecessorsPlaced(List<Op> ops, boolean[] placed, int candidate) {
    long invoke = ops.get(candidate).invoke();
    for (int other = 0; other < ops.size(); other++) {
      if (!placed[other] && other != candidate && end(ops.get(other)) < invoke) {
        return false;
      }
    }
    return true;
  }
}

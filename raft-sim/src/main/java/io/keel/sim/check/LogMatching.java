package io.keel.sim.check;

import io.keel.sim.SimulatedDisk;
import io.keel.sim.SimulatedNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Log Matching (Raft paper, Figure 3): if two logs contain an entry with the same index and term,
 * the logs are identical in all entries up through that index. Every entry a node appends is
 * checked as it appears: the hash of its log up to that entry must equal the hash every other log
 * had up to an entry of that index and term.
 */
public final class LogMatching implements Invariant {

  private record IndexTerm(long index, long term) {}

  private final Map<IndexTerm, Long> prefixHashOf = new HashMap<>();

  @Override
  public void check(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched) {
    if (touched == null) {
      return;
    }
    SimulatedDisk disk = touched.disk();
    long from = disk.takeLowestAppendedIndex();
    for (long index = from; index <= disk.lastIndex(); index++) {
      IndexTerm key = new IndexTerm(index, disk.term(index));
      long hash = disk.prefixHash(index);
      Long before = prefixHashOf.putIfAbsent(key, hash);
      if (before != null && before != hash) {
        throw Violation.safety("Log Matching", touched.id() + " holds entry " + index + " of term "
            + key.term() + " after a log that differs from another node's before the same entry");
      }
    }
  }
}

package io.keel.sim.check;

import io.keel.sim.SimulatedDisk;
import io.keel.sim.SimulatedNode;
import java.util.Arrays;
import java.util.List;

/**
 * No committed entry is ever lost: at every moment, every committed entry is durable, unchanged, on
 * a majority of the nodes' disks, so that no combination of crashes can erase it. This is what
 * turns "acknowledged before durable" into a violation the moment an entry commits, without waiting
 * for the crash that would expose it.
 */
public final class CommittedEntriesKept implements Invariant {

  private final CommittedLog committed;
  private long[] durableMatch = new long[0];
  private long checkedSize = -1;

  CommittedEntriesKept(CommittedLog committed) {
    this.committed = committed;
  }

  @Override
  public void check(List<? extends SimulatedNode<?>> nodes, SimulatedNode<?> touched) {
    if (durableMatch.length != nodes.size()) {
      durableMatch = new long[nodes.size()];
      checkedSize = -1;
    }
    long size = committed.size();
    if (size != checkedSize || touched == null) {
      for (SimulatedNode<?> node : nodes) {
        durableMatch[node.number() - 1] = durableMatch(node.disk(), size);
      }
      checkedSize = size;
    } else {
      durableMatch[touched.number() - 1] = durableMatch(touched.disk(), size);
    }
    int holding = 0;
    for (long match : durableMatch) {
      if (match >= size) {
        holding++;
      }
    }
    if (holding < nodes.size() / 2 + 1) {
      long[] sorted = durableMatch.clone();
      Arrays.sort(sorted);
      throw Violation.safety("Committed Entries Kept", "entries up to index " + size + " are committed but only "
          + holding + " of " + nodes.size() + " disks hold them durably (durable matching prefixes: "
          + Arrays.toString(durableMatch) + ")");
    }
  }

  /** The longest prefix of the committed log, up to {@code size}, that {@code disk} holds durably. */
  private long durableMatch(SimulatedDisk disk, long size) {
    long low = 0;
    long high = Math.min(size, disk.durableLastIndex());
    while (low < high) {
      long middle = (low + high + 1) >>> 1;
      if (disk.durablePrefixHash(middle) == committed.prefixHash(middle)) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }
}

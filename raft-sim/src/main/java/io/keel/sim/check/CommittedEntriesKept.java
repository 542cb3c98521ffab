package io.keel.sim.check;

import io.keel.raft.Configuration;
import io.keel.raft.NodeId;
import io.keel.raft.protocol.Quorum;
import io.keel.sim.SimulatedDisk;
import io.keel.sim.SimulatedNode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * No committed entry is ever lost: at every moment, every committed entry is durable, unchanged, on
 * the disks of a quorum of the configuration in force for the committed log (the newest one in it;
 * of a joint one, a majority of the voters it enters), so that no combination of crashes can erase
 * it. This is what
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
    Set<NodeId> holding = new HashSet<>();
    for (SimulatedNode<?> node : nodes) {
      if (durableMatch[node.number() - 1] >= size) {
        holding.add(node.id());
      }
    }
    // Once a joint configuration is committed, every later election (under it, under the
    // configuration it leads to, or under the next change's) needs a majority of its incoming
    // voters: a quorum of those is what keeps an entry, and the leader may already commit by them
    // alone once it has appended the configuration the joint one leads to.
    Configuration configuration = committed.configuration() == null ? null : committed.configuration().leaveJoint();
    boolean kept = configuration == null ? holding.size() >= nodes.size() / 2 + 1
        : Quorum.isQuorum(configuration, holding::contains);
    if (!kept) {
      throw Violation.safety("Committed Entries Kept", "entries up to index " + size + " are committed but only "
          + new TreeSet<>(holding) + " of " + (configuration == null ? nodes.size() + " nodes" : configuration)
          + " hold them durably: no quorum (durable matching prefixes: " + Arrays.toString(durableMatch) + ")");
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

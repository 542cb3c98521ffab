package io.keel.bench.cluster;

import io.keel.raft.ReadMode;
import io.keel.raft.runtime.RaftGroup;
import java.util.function.Supplier;

/**
 * Keeps exactly R linearizable reads in flight against one node (the leader, or a follower): each
 * completion records its latency and asks the next read at once. A read the node could not serve
 * (leadership moved, no leader known) is asked again 5 ms later of whichever node the supplier
 * gives then, and counted.
 */
final class ReadLoop extends InFlightLoop {

  private final Supplier<RaftGroup<Integer>> targets;
  private final ReadMode mode;
  private volatile RaftGroup<Integer> target;

  /** {@code targets} gives the node to read from, or null while there is none. */
  ReadLoop(Supplier<RaftGroup<Integer>> targets, ReadMode mode, int readers) {
    super("reads-retry", readers);
    this.targets = targets;
    this.mode = mode;
  }

  @Override
  void next(long startNanos) {
    if (!running()) {
      return;
    }
    RaftGroup<Integer> node = target;
    if (node == null) {
      node = targets.get();
      target = node;
    }
    if (node == null) {
      later(() -> next(startNanos));
      return;
    }
    node.read(mode, () -> 1).whenComplete((one, error) -> {
      if (ended(startNanos, error, () -> next(startNanos))) {
        target = null;
      }
    });
  }
}

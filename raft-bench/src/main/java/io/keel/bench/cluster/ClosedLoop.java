package io.keel.bench.cluster;

import io.keel.raft.runtime.RaftGroup;
import java.util.function.Supplier;

/**
 * Keeps exactly C commands in flight on the leader: each completion (committed and applied)
 * records its latency and submits the next command at once. Latencies are recorded only inside
 * the measured window. If leadership moves, the client retries that command on the new leader
 * (its latency then includes the election) and the retry is counted.
 */
final class ClosedLoop extends InFlightLoop {

  private final Supplier<RaftGroup<Integer>> leaders;
  private final Workload workload;
  /** The leader last used; looked up again only after a proposal fails. */
  private volatile RaftGroup<Integer> leader;

  /** {@code leaders} gives the current leader in this JVM, or null while there is none. */
  ClosedLoop(Supplier<RaftGroup<Integer>> leaders, Workload workload, int clients) {
    super("w1-retry", clients);
    this.leaders = leaders;
    this.workload = workload;
  }

  @Override
  void next(long startNanos) {
    submit(workload.next(), startNanos);
  }

  private void submit(byte[] command, long start) {
    if (!running()) {
      return;
    }
    RaftGroup<Integer> target = leader;
    if (target == null) {
      target = leaders.get();
      leader = target;
    }
    if (target == null) {
      later(() -> submit(command, start));
      return;
    }
    target.propose(command).whenComplete((size, error) -> {
      if (ended(start, error, () -> submit(command, start))) {
        leader = null;
      }
    });
  }
}

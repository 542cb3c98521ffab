package io.keel.raft.protocol;

import io.keel.raft.StateMachine;
import java.util.List;

/** The simplest driver of applying, for tests: everything committed, at once, on the node's thread. */
final class ApplyNow {

  private ApplyNow() {}

  /** Applies every committed entry the node hands out to {@code stateMachine} and reports it applied. */
  static <R> void applyAll(RaftNode<R> node, StateMachine<R> stateMachine) {
    for (List<CommittedEntry<R>> batch = node.takeCommitted(); !batch.isEmpty(); batch = node.takeCommitted()) {
      for (CommittedEntry<R> entry : batch) {
        entry.applyTo(stateMachine);
      }
      node.onApplied(batch.get(batch.size() - 1).index());
    }
  }
}

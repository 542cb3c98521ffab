package io.keel.raft.protocol;

/** The role of a node whose storage failed: it has no timer and ignores everything. */
final class Failed extends RoleState {

  @Override
  Role role() {
    return Role.FAILED;
  }

  @Override
  long deadlineNanos() {
    return Long.MAX_VALUE;
  }

  @Override
  void onDeadline() {}
}

package io.keel.raft.runtime;

/**
 * Told when a group's node changes role, term or leader, or fails: the hook for metrics, logs
 * and client redirection. Called on the group's apply thread, in order, never on the event thread;
 * it must not block for long, since applying waits behind it.
 */
@FunctionalInterface
public interface GroupListener {

  /**
   * The node's role, term, leader or failure changed.
   *
   * @param previous the status before, or null for the node's first status
   * @param current the status now
   */
  void statusChanged(GroupStatus previous, GroupStatus current);
}

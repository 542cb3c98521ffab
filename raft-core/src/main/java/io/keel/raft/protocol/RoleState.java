package io.keel.raft.protocol;

/**
 * What a node does that depends on its role: its timer, and how it reacts to storage reports.
 * Messages are routed to the role by {@link RaftNode} after the term rules common to all roles.
 */
abstract class RoleState {

  abstract Role role();

  /** When this role's timer fires: the election timeout, or the leader's next heartbeat. */
  abstract long deadlineNanos();

  /** The timer fired. */
  abstract void onDeadline();

  /** The log became durable further. */
  void onLogDurable() {}

  /** The hard state became durable further. */
  void onHardStateDurable() {}

  /** The node leaves this role: releases what it holds. */
  void exit() {}

  void checkInvariants() {}
}

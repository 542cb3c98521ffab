/**
 * Client sessions for exactly-once commands (Raft thesis §6.3): a client registers, numbers its
 * commands, and the replicated {@link io.keel.raft.session.SessionStateMachine} applies each
 * command once, answering a retry with the result it kept. Sessions expire by time carried in the
 * log, so that every replica expires the same sessions at the same entry.
 */
package io.keel.raft.session;

/**
 * The messages Raft nodes exchange: immutable records of one sealed {@link io.keel.raft.message.Message}
 * type, validated when built, so nothing malformed reaches the protocol.
 */
package io.keel.raft.message;

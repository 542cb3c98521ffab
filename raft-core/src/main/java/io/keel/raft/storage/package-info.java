/**
 * {@link io.keel.raft.LogStore} implementations. They sit outside the pure protocol package: a store
 * may keep files, threads and clocks; the protocol only sees the interface and its durability
 * reports.
 */
package io.keel.raft.storage;

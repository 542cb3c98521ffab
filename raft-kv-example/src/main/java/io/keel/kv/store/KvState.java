package io.keel.kv.store;

import java.util.Map;
import java.util.Optional;

/**
 * What a query reads of a replica's store, whichever state machine keeps it (the map in memory,
 * {@link KvStore}, or RocksDB, {@link io.keel.kv.rocks.RocksDbStateMachine}): on the apply
 * thread for a linearizable read, or on any thread for a local (possibly stale) one, which sees
 * each value whole.
 */
public interface KvState {

  /** The value of {@code key}, or null; the caller must not change it. */
  byte[] get(byte[] key);

  /** Whether {@code key} holds a value. */
  boolean exists(byte[] key);

  /** How many keys hold a value. */
  long size();

  /** What node {@code node} announced of its client addresses, if anything. */
  Optional<KvCommand.Announce> member(String node);

  /** Every node's announced client addresses, by node id. */
  Map<String, KvCommand.Announce> members();
}

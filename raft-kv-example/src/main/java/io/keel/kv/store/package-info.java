/**
 * The key-value service's replicated store: {@link io.keel.kv.store.KvCommand}s encoded by
 * {@link io.keel.kv.store.KvCodec} (Kryo, registration required, a format version byte, every length
 * checked against {@link io.keel.kv.store.KvLimits}), applied by {@link io.keel.kv.store.KvStore}, a
 * sorted map whose snapshots stream out as records.
 */
package io.keel.kv.store;

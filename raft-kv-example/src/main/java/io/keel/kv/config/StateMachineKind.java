package io.keel.kv.config;

import java.util.Locale;

/** Where a node keeps each group's key-value state (key {@code state-machine}). */
public enum StateMachineKind {
  /** A sorted map in the JVM heap, rebuilt on start from the newest snapshot and the log after it. */
  MEMORY,
  /** A RocksDB database on disk: state larger than memory, and a restart that replays only what it lacks. */
  ROCKSDB;

  /** The value as written in a configuration file, e.g. {@code rocksdb}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

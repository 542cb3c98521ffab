package io.keel.kv.config;

import java.util.Locale;

/** How a client connection's reads are served until the client asks otherwise (key {@code read-mode}). */
public enum ClientReadMode {
  /** Each read is confirmed with the leader by a round of messages (Raft's ReadIndex): never stale. */
  LINEARIZABLE,
  /**
   * The leader serves reads while its lease holds, which trusts clocks to drift little; needs
   * {@code lease-reads = true}.
   */
  LEASE,
  /** The node serves reads from its own state at once: fast, possibly stale. */
  LOCAL;

  /** The value as written in a configuration file, e.g. {@code linearizable}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

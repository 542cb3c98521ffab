package io.keel.kv.config;

import java.util.Locale;

/** What a follower does with a write from a client (key {@code write-forwarding}). */
public enum WriteForwarding {
  /** The follower forwards the write to its leader and relays the answer. */
  FORWARD,
  /** The follower answers with a {@code -MOVED}-style error naming the leader, for the client to retry there. */
  REDIRECT;

  /** The value as written in a configuration file, e.g. {@code forward}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

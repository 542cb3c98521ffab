package io.keel.kv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Every integer key takes the values at and next to the ends of its range and refuses those just beyond, naming itself. */
class ConfigRangeProperties {

  @Provide
  Arbitrary<ConfigKey> integerKeys() {
    return Arbitraries.of(Arrays.stream(ConfigKey.values()).filter(ConfigKey::hasIntegerRange).toList());
  }

  /** A file with {@code key = value} on line 3 and, on line 4, what makes the key's extremes fit the other keys. */
  private static String file(ConfigKey key, long value) {
    String context = switch (key) {
      case ELECTION_TIMEOUT_MS -> "heartbeat-interval-ms = 1\n";
      case HEARTBEAT_INTERVAL_MS -> "election-timeout-ms = 600000\n";
      default -> "";
    };
    return ConfigFileTest.MINIMAL + key.key() + " = " + value + "\n" + context;
  }

  /** What the configuration holds for an integer key. */
  private static long valueOf(KvConfig config, ConfigKey key) {
    return switch (key) {
      case GROUPS -> config.groups();
      case ELECTION_TIMEOUT_MS -> config.electionTimeout().toMillis();
      case HEARTBEAT_INTERVAL_MS -> config.heartbeatInterval().toMillis();
      case MAX_KEY_BYTES -> config.maxKeyBytes();
      case MAX_VALUE_BYTES -> config.maxValueBytes();
      case MAX_KEYS_PER_COMMAND -> config.maxKeysPerCommand();
      case MAX_CLIENTS -> config.maxClients();
      case SNAPSHOT_EVERY_ENTRIES -> config.snapshotEveryEntries();
      case SESSION_TIMEOUT_S -> config.sessionTimeout().toSeconds();
      case ROCKSDB_CACHE_MB -> config.rocksdbCacheMb();
      case CATCH_UP_TIMEOUT_S -> config.catchUpTimeout().toSeconds();
      default -> throw new AssertionError(key + " is no integer key");
    };
  }

  @Property
  void values_just_inside_the_range_are_taken(@ForAll("integerKeys") ConfigKey key, @ForAll boolean atMax,
      @ForAll @IntRange(min = 0, max = 1) int inward) {
    long value = atMax ? key.max() - inward : key.min() + inward;
    KvConfig config = ConfigFile.parse(file(key, value), "node.conf");
    assertEquals(value, valueOf(config, key));
    config.raftConfig();
    config.limits();
    config.sessionLimits();
  }

  @Property
  void values_just_outside_the_range_are_refused_naming_the_key(@ForAll("integerKeys") ConfigKey key,
      @ForAll boolean aboveMax, @ForAll @IntRange(min = 0, max = 1) int outward) {
    long value = aboveMax ? key.max() + 1 + outward : key.min() - 1 - outward;
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse(file(key, value), "node.conf"));
    assertEquals("node.conf line 3: " + key.key() + " = " + value + ": must be an integer from " + key.min() + " to "
        + key.max(), e.getMessage());
    assertEquals(OptionalInt.of(3), e.line());
    assertTrue(e.keys().contains(key));
  }
}

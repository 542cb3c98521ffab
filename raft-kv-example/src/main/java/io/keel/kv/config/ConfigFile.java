package io.keel.kv.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a node's configuration file: UTF-8 text with one {@code key = value} per line, where
 * {@code #} starts a comment (a whole line, or the rest of a line after its value, so no value may
 * hold a {@code #}), blank lines are ignored, and whitespace around keys and values is trimmed.
 * Keys are those of {@link ConfigKey}, each at most once; a key left out takes its default. Relative
 * paths are relative to the working directory, not to the file, and host names are resolved as the
 * file is read.
 */
public final class ConfigFile {

  /** The largest configuration file read, in bytes (and the longest text, in characters). */
  public static final int MAX_FILE_BYTES = 1024 * 1024;
  /** The longest edit distance at which an unknown key gets a suggestion. */
  private static final int MAX_SUGGESTION_DISTANCE = 2;

  private ConfigFile() {}

  /** One key's value as written, and its line. */
  private record Setting(String value, int line) {}

  /**
   * Reads and validates the configuration in {@code file}, which names it in error messages.
   *
   * @throws ConfigException if the file cannot be read, is not UTF-8, or holds an invalid configuration
   */
  public static KvConfig parse(Path file) {
    String source = file.toString();
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw ConfigException.inSource(source, 0, "larger than " + MAX_FILE_BYTES + " bytes", null);
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      throw ConfigException.inSource(source, 0, "not UTF-8 text", e);
    } catch (NoSuchFileException e) {
      throw ConfigException.inSource(source, 0, "no such file", e);
    } catch (IOException e) {
      throw ConfigException.inSource(source, 0, "cannot read the file: " + e, e);
    }
    return parse(text, source);
  }

  /**
   * Reads and validates the configuration in {@code text}; {@code sourceName} (a file name, say) names
   * it in error messages.
   *
   * @throws ConfigException naming the source, line and key at fault, and what the key allows
   */
  public static KvConfig parse(String text, String sourceName) {
    if (text.length() > MAX_FILE_BYTES) {
      throw ConfigException.inSource(sourceName, 0, "longer than " + MAX_FILE_BYTES + " characters", null);
    }
    Map<ConfigKey, Setting> settings = settings(text, sourceName);
    List<ConfigKey> missing = new ArrayList<>();
    for (ConfigKey key : ConfigKey.values()) {
      if (key.required() && !settings.containsKey(key)) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      List<String> names = missing.stream().map(key -> "'" + key.key() + "'").toList();
      throw new ConfigException(missing, "missing required key" + (missing.size() == 1 ? " " : "s ")
          + String.join(" and ", names)).at(sourceName, 0);
    }
    try {
      Setting node = settings.get(ConfigKey.NODE_ID);
      KvConfig.Builder builder = KvConfig.builder(ConfigValues.nodeId(ConfigKey.NODE_ID, node.value()));
      settings.entrySet().stream()
          .sorted((a, b) -> Integer.compare(a.getValue().line(), b.getValue().line()))
          .forEach(setting -> apply(builder, setting.getKey(), setting.getValue().value()));
      return builder.build();
    } catch (ConfigException e) {
      throw e.at(sourceName, lineOf(e, settings));
    }
  }

  /** The line to blame for {@code e}: that of the first of its keys the file gives, or 0 for none. */
  private static int lineOf(ConfigException e, Map<ConfigKey, Setting> settings) {
    for (ConfigKey key : e.keys()) {
      Setting setting = settings.get(key);
      if (setting != null) {
        return setting.line();
      }
    }
    return 0;
  }

  /** Splits the text into keys and values, refusing malformed lines, unknown keys and repeated keys. */
  private static Map<ConfigKey, Setting> settings(String text, String source) {
    Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    String[] lines = body.split("\\R", -1);
    for (int index = 0; index < lines.length; index++) {
      int line = index + 1;
      String content = lines[index];
      int comment = content.indexOf('#');
      content = (comment < 0 ? content : content.substring(0, comment)).strip();
      if (content.isEmpty()) {
        continue;
      }
      int equals = content.indexOf('=');
      if (equals < 0) {
        throw ConfigException.inSource(source, line, "expected 'key = value', got '" + content + "'", null);
      }
      String name = content.substring(0, equals).strip();
      if (name.isEmpty()) {
        throw ConfigException.inSource(source, line, "expected 'key = value', got no key before '='", null);
      }
      ConfigKey key = ConfigKey.byKey(name).orElseThrow(() -> unknownKey(source, line, name));
      Setting earlier = settings.putIfAbsent(key, new Setting(content.substring(equals + 1).strip(), line));
      if (earlier != null) {
        throw new ConfigException(key, key.key() + " is given twice (first on line " + earlier.line() + ")")
            .at(source, line);
      }
    }
    return settings;
  }

  private static ConfigException unknownKey(String source, int line, String name) {
    String problem = "unknown key '" + name + "'";
    Optional<ConfigKey> closest = closestKey(name);
    problem += closest.map(key -> " (did you mean '" + key.key() + "'?)")
        .orElse(" (the keys are listed in docs/kv-config-keys.md)");
    return ConfigException.inSource(source, line, problem, null);
  }

  /** The known key nearest to {@code name}, ignoring case, if one is within two edits. */
  static Optional<ConfigKey> closestKey(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    ConfigKey closest = null;
    int best = MAX_SUGGESTION_DISTANCE + 1;
    for (ConfigKey key : ConfigKey.values()) {
      if (Math.abs(key.key().length() - lower.length()) >= best) {
        continue;
      }
      int distance = editDistance(lower, key.key());
      if (distance < best) {
        best = distance;
        closest = key;
      }
    }
    return Optional.ofNullable(closest);
  }

  /** The Levenshtein distance: how many single-character insertions, deletions or substitutions turn a into b. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** Converts one value and hands it to the builder; a value out of its type refuses with the key. */
  private static void apply(KvConfig.Builder builder, ConfigKey key, String value) {
    switch (key) {
      case NODE_ID -> { } // given to the builder when it was made
      case MEMBERS -> builder.members(ConfigValues.members(key, value));
      case CLUSTER_ID -> builder.clusterId(value);
      case DATA_DIR -> builder.dataDir(ConfigValues.path(key, value));
      case RAFT_LISTEN -> builder.raftListen(ConfigValues.address(key, value, true));
      case RESP_LISTEN -> builder.respListen(ConfigValues.address(key, value, true));
      case HTTP_LISTEN -> ConfigValues.addressOrOff(key, value)
          .ifPresentOrElse(builder::httpListen, builder::httpOff);
      case JOIN -> builder.join(ConfigValues.bool(key, value));
      case GROUPS -> builder.groups((int) ConfigValues.integer(key, value));
      case WRITE_FORWARDING -> builder.writeForwarding(ConfigValues.choice(key, value, WriteForwarding.class));
      case READ_MODE -> builder.readMode(ConfigValues.choice(key, value, ClientReadMode.class));
      case LEASE_READS -> builder.leaseReads(ConfigValues.bool(key, value));
      case ELECTION_TIMEOUT_MS -> builder.electionTimeout(Duration.ofMillis(ConfigValues.integer(key, value)));
      case HEARTBEAT_INTERVAL_MS -> builder.heartbeatInterval(Duration.ofMillis(ConfigValues.integer(key, value)));
      case MAX_KEY_BYTES -> builder.maxKeyBytes((int) ConfigValues.integer(key, value));
      case MAX_VALUE_BYTES -> builder.maxValueBytes((int) ConfigValues.integer(key, value));
      case MAX_KEYS_PER_COMMAND -> builder.maxKeysPerCommand((int) ConfigValues.integer(key, value));
      case MAX_CLIENTS -> builder.maxClients((int) ConfigValues.integer(key, value));
      case SNAPSHOT_EVERY_ENTRIES -> builder.snapshotEveryEntries(ConfigValues.integer(key, value));
      case CATCH_UP_TIMEOUT_S -> builder.catchUpTimeout(Duration.ofSeconds(ConfigValues.integer(key, value)));
      case STATE_MACHINE -> builder.stateMachine(ConfigValues.choice(key, value, StateMachineKind.class));
      case ROCKSDB_CACHE_MB -> builder.rocksdbCacheMb((int) ConfigValues.integer(key, value));
      case SESSION_TIMEOUT_S -> builder.sessionTimeout(Duration.ofSeconds(ConfigValues.integer(key, value)));
      case TLS_CERTIFICATE -> builder.tlsCertificate(ConfigValues.path(key, value));
      case TLS_PRIVATE_KEY -> builder.tlsPrivateKey(ConfigValues.path(key, value));
      case TLS_TRUSTED_CERTIFICATES -> builder.tlsTrustedCertificates(ConfigValues.path(key, value));
      default -> throw new AssertionError("no conversion for " + key);
    }
  }
}

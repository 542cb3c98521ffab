package io.keel.kv.config;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A node's configuration is invalid. The message is meant for the operator: it names where the
 * mistake is (the file and line, when there are some), the key, and what the key allows, e.g.
 * {@code node.conf line 7: groups = 0: must be an integer from 1 to 256}. Thrown by
 * {@link ConfigFile} and, without a file and line, by {@link KvConfig.Builder#build()} and
 * {@link KvConfig}'s constructor.
 */
public final class ConfigException extends IllegalArgumentException {

  /** The keys the problem concerns, the one to blame first; empty when it concerns no key. */
  private final List<ConfigKey> keys;
  private final String problem;
  /** The file or other source the configuration came from, or null. */
  private final String source;
  /** The line the problem is on, or 0 when it is on none. */
  private final int line;

  ConfigException(List<ConfigKey> keys, String problem) {
    this(keys, problem, null, 0, null);
  }

  ConfigException(ConfigKey key, String problem) {
    this(List.of(key), problem);
  }

  private ConfigException(List<ConfigKey> keys, String problem, String source, int line, Throwable cause) {
    super(where(source, line) + problem, cause);
    this.keys = List.copyOf(keys);
    this.problem = problem;
    this.source = source;
    this.line = line;
  }

  /** A problem of the source as a whole or of one of its lines (0: none), concerning no key. */
  static ConfigException inSource(String source, int line, String problem, Throwable cause) {
    return new ConfigException(List.of(), problem, source, line, cause);
  }

  /** This problem, placed in {@code source} at {@code line} (0: on no line). */
  ConfigException at(String source, int line) {
    return new ConfigException(keys, problem, source, line, getCause());
  }

  private static String where(String source, int line) {
    if (source == null) {
      return "";
    }
    return line > 0 ? source + " line " + line + ": " : source + ": ";
  }

  /** The keys the problem concerns, the one to blame first; empty when the problem concerns no key. */
  public List<ConfigKey> keys() {
    return keys;
  }

  /** The message without its source and line, e.g. {@code groups = 0: must be an integer from 1 to 256}. */
  public String problem() {
    return problem;
  }

  /** The file (or other source) the configuration was read from, if it was read from one. */
  public Optional<String> source() {
    return Optional.ofNullable(source);
  }

  /** The line (from 1) the problem is on, if it is on one. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }
}

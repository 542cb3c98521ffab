package io.keel.kv.config;

import io.keel.raft.NodeId;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/** Turns the text of a key's value into its type, or refuses it with a {@link ConfigException} naming the key. */
final class ConfigValues {

  /** The most members a cluster's configuration may list. */
  static final int MAX_MEMBERS = 64;
  /** The longest part of a value an error message repeats. */
  private static final int MAX_QUOTED_CHARS = 120;

  private ConfigValues() {}

  /** The problem {@code key = text: what}, with a long value cut short. */
  static ConfigException invalid(ConfigKey key, String text, String what) {
    String quoted = text.length() > MAX_QUOTED_CHARS ? text.substring(0, MAX_QUOTED_CHARS) + "..." : text;
    String value = quoted.isEmpty() ? " has no value: " : " = " + quoted + ": ";
    return new ConfigException(key, key.key() + value + what);
  }

  /** An integer in the key's range. */
  static long integer(ConfigKey key, String text) {
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw invalid(key, text, ConfigChecks.rangeText(key));
    }
    ConfigChecks.integer(key, value);
    return value;
  }

  /** {@code true} or {@code false}. */
  static boolean bool(ConfigKey key, String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, text, "must be true or false");
    };
  }

  /** One of {@code type}'s constants, written in lower case. */
  static <E extends Enum<E>> E choice(ConfigKey key, String text, Class<E> type) {
    StringJoiner allowed = new StringJoiner(", ");
    for (E constant : type.getEnumConstants()) {
      String name = constant.name().toLowerCase(Locale.ROOT);
      if (name.equals(text)) {
        return constant;
      }
      allowed.add(name);
    }
    throw invalid(key, text, "must be one of " + allowed);
  }

  /** A node id, as {@link NodeId} allows. */
  static NodeId nodeId(ConfigKey key, String text) {
    try {
      return NodeId.of(text);
    } catch (IllegalArgumentException e) {
      throw invalid(key, text, e.getMessage());
    }
  }

  /** A non-empty path. */
  static Path path(ConfigKey key, String text) {
    if (text.isEmpty()) {
      throw invalid(key, text, "must be a path");
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw invalid(key, text, "not a valid path: " + e.getReason());
    }
  }

  /** An address {@code host:port}; port 0, any free port, only if {@code portZeroAllowed}. */
  static InetSocketAddress address(ConfigKey key, String text, boolean portZeroAllowed) {
    try {
      return parseAddress(text, portZeroAllowed);
    } catch (IllegalArgumentException e) {
      throw invalid(key, text, e.getMessage());
    }
  }

  /** An address, or none for {@code off}. */
  static Optional<InetSocketAddress> addressOrOff(ConfigKey key, String text) {
    return text.equals("off") ? Optional.empty() : Optional.of(address(key, text, true));
  }

  /** {@code id=host:port} items separated by commas, in their order, with distinct ids. */
  static Map<NodeId, InetSocketAddress> members(ConfigKey key, String text) {
    String[] items = text.split(",", -1);
    if (items.length > MAX_MEMBERS) {
      throw invalid(key, text, "lists " + items.length + " members; at most " + MAX_MEMBERS + " are allowed");
    }
    Map<NodeId, InetSocketAddress> members = new LinkedHashMap<>();
    for (String item : items) {
      String member = item.strip();
      int equals = member.indexOf('=');
      if (equals < 0) {
        throw invalid(key, text, "'" + member + "' must be id=host:port");
      }
      String id = member.substring(0, equals).strip();
      NodeId node;
      try {
        node = NodeId.of(id);
      } catch (IllegalArgumentException e) {
        throw invalid(key, text, e.getMessage());
      }
      if (members.containsKey(node)) {
        throw invalid(key, text, node + " is listed twice");
      }
      String address = member.substring(equals + 1).strip();
      try {
        members.put(node, parseAddress(address, false));
      } catch (IllegalArgumentException e) {
        throw invalid(key, text, node + "'s address '" + address + "': " + e.getMessage());
      }
    }
    return members;
  }

  /**
   * Parses {@code host:port} or {@code [ipv6]:port} and resolves the host.
   *
   * @throws IllegalArgumentException saying what is wrong (not a {@link ConfigException})
   */
  private static InetSocketAddress parseAddress(String text, boolean portZeroAllowed) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("must be host:port");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") || host.endsWith("]")) {
      if (host.length() < 3 || !host.startsWith("[") || !host.endsWith("]")) {
        throw new IllegalArgumentException("an IPv6 host must be in brackets, like [::1]:7001");
      }
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("an IPv6 host must be in brackets, like [::1]:7001");
    }
    if (host.isBlank()) {
      throw new IllegalArgumentException("must be host:port, with a host");
    }
    int port = port(text.substring(colon + 1), portZeroAllowed ? 0 : 1);
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("cannot resolve host '" + host + "'");
    }
    return address;
  }

  private static int port(String text, int min) {
    String allowed = "port must be an integer from " + min + " to 65535";
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(allowed);
    }
    int port = Integer.parseInt(text);
    if (port < min || port > 65_535) {
      throw new IllegalArgumentException(allowed);
    }
    return port;
  }

  /** An address as a configuration file writes it: {@code host:port}, an IPv6 host in brackets. */
  static String text(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}

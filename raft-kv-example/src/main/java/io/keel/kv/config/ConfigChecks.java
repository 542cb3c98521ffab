package io.keel.kv.config;

import io.keel.raft.NodeId;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The checks {@link KvConfig} makes of its values, each refusing with a {@link ConfigException} naming the key. */
final class ConfigChecks {

  /** What a cluster id may be: the same characters and length as a node id. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private ConfigChecks() {}

  /** What an integer key allows, as an error message says it. */
  static String rangeText(ConfigKey key) {
    return "must be an integer from " + key.min() + " to " + key.max();
  }

  /** Requires a value of the key. */
  static <T> T present(ConfigKey key, T value) {
    if (value == null) {
      throw new ConfigException(key, key.key() + " must be set");
    }
    return value;
  }

  /** Requires {@code value} within the integer key's range. */
  static void integer(ConfigKey key, long value) {
    if (value < key.min() || value > key.max()) {
      throw ConfigValues.invalid(key, Long.toString(value), rangeText(key));
    }
  }

  /** Requires a whole number of {@code unit}s within the key's range. */
  static void duration(ConfigKey key, Duration value, ChronoUnit unit) {
    present(key, value);
    Duration lowest = Duration.of(key.min(), unit);
    Duration highest = Duration.of(key.max(), unit);
    if (value.compareTo(lowest) < 0 || value.compareTo(highest) > 0) {
      throw ConfigValues.invalid(key, value.toString(), rangeText(key));
    }
    long amount = value.dividedBy(Duration.of(1, unit));
    if (!Duration.of(amount, unit).equals(value)) {
      throw ConfigValues.invalid(key, value.toString(), "must be a whole number of "
          + (unit == ChronoUnit.MILLIS ? "milliseconds" : unit.toString().toLowerCase(Locale.ROOT)));
    }
  }

  /** Requires a cluster id: 1 to 64 letters, digits, '.', '_' or '-'. */
  static void name(ConfigKey key, String value) {
    present(key, value);
    if (!NAME.matcher(value).matches()) {
      throw ConfigValues.invalid(key, value, "must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
  }

  /** Requires a resolved address with a port from 1 (or 0, if allowed) to 65535. */
  static void address(ConfigKey key, InetSocketAddress address, boolean portZeroAllowed) {
    present(key, address);
    if (address.getPort() == 0 && !portZeroAllowed) {
      throw ConfigValues.invalid(key, ConfigValues.text(address), "port must be an integer from 1 to 65535");
    }
    if (address.isUnresolved()) {
      String host = address.getHostString();
      throw ConfigValues.invalid(key, ConfigValues.text(address), "cannot resolve host '" + host + "'");
    }
  }

  /** Requires 1 to 64 members with distinct, valid addresses; returns them unmodifiable, in order. */
  static Map<NodeId, InetSocketAddress> members(Map<NodeId, InetSocketAddress> members) {
    present(ConfigKey.MEMBERS, members);
    if (members.isEmpty() || members.size() > ConfigValues.MAX_MEMBERS) {
      throw new ConfigException(ConfigKey.MEMBERS, "members lists " + members.size() + " members; it must list 1 to "
          + ConfigValues.MAX_MEMBERS);
    }
    Map<InetSocketAddress, NodeId> owners = new HashMap<>();
    Map<NodeId, InetSocketAddress> copy = new LinkedHashMap<>();
    for (Map.Entry<NodeId, InetSocketAddress> member : members.entrySet()) {
      NodeId node = present(ConfigKey.MEMBERS, member.getKey());
      InetSocketAddress address = member.getValue();
      address(ConfigKey.MEMBERS, address, false);
      NodeId owner = owners.putIfAbsent(address, node);
      if (owner != null) {
        throw new ConfigException(ConfigKey.MEMBERS, "members: " + owner + " and " + node + " have the same address "
            + ConfigValues.text(address));
      }
      copy.put(node, address);
    }
    return Collections.unmodifiableMap(copy);
  }

  /** Requires the node among the members unless it joins a running cluster. */
  static void membership(NodeId node, Map<NodeId, InetSocketAddress> members, boolean join) {
    if (!join && !members.containsKey(node)) {
      throw new ConfigException(List.of(ConfigKey.MEMBERS, ConfigKey.NODE_ID), "members does not list node-id " + node
          + ": list it, or set join = true to add this node to a running cluster");
    }
  }

  /** Requires the Raft listen address; a joining node has no default for it. */
  static void raftListen(InetSocketAddress address, boolean join) {
    if (address == null && join) {
      throw new ConfigException(List.of(ConfigKey.RAFT_LISTEN, ConfigKey.JOIN),
          "raft-listen is required when join = true");
    }
    address(ConfigKey.RAFT_LISTEN, address, true);
  }

  /** Requires a path of a regular file this process can read. */
  static void readableFile(ConfigKey key, Path path) {
    present(key, path);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw ConfigValues.invalid(key, path.toString(), "no readable file at " + path.toAbsolutePath());
    }
  }

  /** Requires lease reads in Raft when connections read by lease. */
  static void leaseReads(ClientReadMode readMode, boolean leaseReads) {
    if (readMode == ClientReadMode.LEASE && !leaseReads) {
      throw new ConfigException(List.of(ConfigKey.READ_MODE, ConfigKey.LEASE_READS),
          "read-mode = lease needs lease-reads = true, but lease-reads is false");
    }
  }

  /** Requires a heartbeat interval of less than half the election timeout. */
  static void heartbeat(Duration electionTimeout, Duration heartbeatInterval) {
    if (heartbeatInterval.multipliedBy(2).compareTo(electionTimeout) >= 0) {
      throw new ConfigException(List.of(ConfigKey.HEARTBEAT_INTERVAL_MS, ConfigKey.ELECTION_TIMEOUT_MS),
          "heartbeat-interval-ms = " + heartbeatInterval.toMillis()
              + " must be less than half of election-timeout-ms = " + electionTimeout.toMillis() + ", so that followers hear from their leader before they time out");
    }
  }
}

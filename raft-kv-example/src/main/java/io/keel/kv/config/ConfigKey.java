package io.keel.kv.config;

import java.util.Optional;

/**
 * Every key of a node's configuration file, declared once: its name, its default, what it allows
 * and what it means. {@link ConfigFile} knows keys only from here, {@link KvConfig.Builder} takes
 * its defaults and {@link KvConfig} its integer ranges from here, and docs/kv-config-keys.md is
 * {@link #markdownTable()}.
 */
public enum ConfigKey {
  /** This node's id. */
  NODE_ID("node-id", null, "required", "1 to 64 letters, digits, `.`, `_` or `-`",
      "This node's id, unique in the cluster."),
  /** The cluster's initial voters and their Raft addresses. */
  MEMBERS("members", null, "required",
      "`id=host:port` items separated by `,`: 1 to 64, with distinct ids and distinct addresses",
      "The Raft (peer) addresses of the cluster's initial voters; must include `node-id` unless `join = true`."),
  /** The cluster's name. */
  CLUSTER_ID("cluster-id", "keel-kv", null, "1 to 64 letters, digits, `.`, `_` or `-`",
      "The name of the cluster this node belongs to."),
  /** Where the node keeps its state. */
  DATA_DIR("data-dir", null, "`./data/<node-id>`", "a path, relative to the working directory",
      "The directory of this node's Raft logs, snapshots and other state."),
  /** Where the node listens for its peers. */
  RAFT_LISTEN("raft-listen", null, "this node's address in `members`; required when `join = true`",
      "`host:port` or `[ipv6]:port`; port 0 to 65535, 0 meaning any free port",
      "The address this node listens on for Raft messages from its peers."),
  /** Where the node listens for RESP clients. */
  RESP_LISTEN("resp-listen", "127.0.0.1:6379", null,
      "`host:port` or `[ipv6]:port`; port 0 to 65535, 0 meaning any free port",
      "The address this node listens on for RESP (Redis protocol) clients."),
  /** Where the node serves HTTP, or off. */
  HTTP_LISTEN("http-listen", "127.0.0.1:8080", null,
      "`host:port` or `[ipv6]:port`; port 0 to 65535, 0 meaning any free port; or `off`",
      "The address this node serves HTTP/JSON and `/metrics` on; `off` turns the HTTP port off."),
  /** Whether the node joins a running cluster. */
  JOIN("join", "false", null, "`true` or `false`",
      "This node is being added to a running cluster: it starts empty and waits to be added with"
          + " `keel-kv admin add-node`."),
  /** How many Raft groups the key space is hashed over. */
  GROUPS("groups", 1, 1, 256,
      "How many Raft groups the key space is hashed over; must be the same on every node."),
  /** What a follower does with writes. */
  WRITE_FORWARDING("write-forwarding", "forward", null, "`forward` or `redirect`",
      "Whether a follower forwards a write to the leader (`forward`) or answers with a `-MOVED`-style redirect"
          + " error (`redirect`)."),
  /** The default read mode of client connections. */
  READ_MODE("read-mode", "linearizable", null, "`linearizable`, `lease` or `local`",
      "The read mode of new client connections; `lease` needs `lease-reads = true`."),
  /** Whether Raft leaders keep read leases. */
  LEASE_READS("lease-reads", "false", null, "`true` or `false`",
      "Whether Raft leaders keep a read lease, which trusts clocks to drift little; `read-mode = lease` needs it."),
  /** The election timeout, in milliseconds. */
  ELECTION_TIMEOUT_MS("election-timeout-ms", 1000, 10, 600_000,
      "The shortest election timeout in ms; each is drawn between this and twice this, capped at 600000."),
  /** The heartbeat interval, in milliseconds. */
  HEARTBEAT_INTERVAL_MS("heartbeat-interval-ms", 100, 1, 60_000,
      "How often an idle leader sends heartbeats, in ms; must be less than half of `election-timeout-ms`."),
  /** The longest key. */
  MAX_KEY_BYTES("max-key-bytes", 65_536, 1, 1_048_576, "The longest key, in bytes."),
  /** The longest value. */
  MAX_VALUE_BYTES("max-value-bytes", 16_777_216, 1, 67_108_864,
      "The longest value, in bytes (16 MiB by default), also after `APPEND`."),
  /** The most keys per command. */
  MAX_KEYS_PER_COMMAND("max-keys-per-command", 10_000, 1, 1_000_000,
      "The most keys one multi-key command (`DEL`, `MSET`) may name."),
  /** The most client connections. */
  MAX_CLIENTS("max-clients", 10_000, 1, 1_000_000,
      "How many client connections the RESP port accepts at once."),
  /** How often to snapshot. */
  SNAPSHOT_EVERY_ENTRIES("snapshot-every-entries", 100_000, 1_000, 1_000_000_000,
      "Take a snapshot after this many entries have been applied since the last one."),
  /** Where each group's state is kept. */
  STATE_MACHINE("state-machine", "memory", null, "`memory` or `rocksdb`",
      "Where each group's key-value state is kept: a map in the JVM heap (`memory`), or a RocksDB database in"
          + " `data-dir` (`rocksdb`), for a state larger than memory and restarts that replay only what the database"
          + " lacks; recorded in `data-dir` on first start, and cannot change."),
  /** RocksDB's memory. */
  ROCKSDB_CACHE_MB("rocksdb-cache-mb", 256, 16, 1_048_576,
      "With `state-machine = rocksdb`: the memory, outside the JVM heap, that RocksDB's block cache and memtables"
          + " take together, shared by every group of the node (memtables at most a quarter of it)."),
  /** How long a node being added may take to catch up, in seconds. */
  CATCH_UP_TIMEOUT_S("catch-up-timeout-s", 120, 1, 86_400,
      "How long a node being added as a voter, or promoted, may take to catch up with each group's leader (by"
          + " snapshot and log) before the change is refused; a new node first receives the whole state, so raise it"
          + " for large states (`keel-kv admin` waits this long too)."),
  /** How long an idle client session lasts, in seconds. */
  SESSION_TIMEOUT_S("session-timeout-s", 300, 10, 86_400,
      "Client sessions, which make writes exactly-once, expire after this many seconds without commands."),
  /** This node's TLS certificate. */
  TLS_CERTIFICATE("tls-certificate", null, "none", "path of a readable PEM file",
      "This node's certificate chain for mutual TLS between nodes; give all three `tls-` keys or none."),
  /** This node's TLS private key. */
  TLS_PRIVATE_KEY("tls-private-key", null, "none", "path of a readable PEM file",
      "This node's private key for mutual TLS between nodes."),
  /** The certificates peers' certificates must chain to. */
  TLS_TRUSTED_CERTIFICATES("tls-trusted-certificates", null, "none", "path of a readable PEM file",
      "The certificates a peer's certificate must chain to for mutual TLS between nodes.");

  private final String key;
  /** The default as a value of the key, or null when the default is not a value ({@link #defaultNote}). */
  private final String defaultValue;
  /** The default described in words, for keys whose default is no value of theirs; else null. */
  private final String defaultNote;
  private final String allowed;
  private final String meaning;
  private final boolean integer;
  private final long min;
  private final long max;

  ConfigKey(String key, String defaultValue, String defaultNote, String allowed, String meaning) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.defaultNote = defaultNote;
    this.allowed = allowed;
    this.meaning = meaning;
    this.integer = false;
    this.min = 0;
    this.max = 0;
  }

  ConfigKey(String key, long defaultValue, long min, long max, String meaning) {
    if (defaultValue < min || defaultValue > max) {
      throw new AssertionError(key + "'s default " + defaultValue + " is outside its range");
    }
    this.key = key;
    this.defaultValue = Long.toString(defaultValue);
    this.defaultNote = null;
    this.allowed = min + " to " + max;
    this.meaning = meaning;
    this.integer = true;
    this.min = min;
    this.max = max;
  }

  /** The key as written in a configuration file, e.g. {@code election-timeout-ms}. */
  public String key() {
    return key;
  }

  /** The key whose name is {@code key}, if there is one; names are case-sensitive. */
  public static Optional<ConfigKey> byKey(String key) {
    for (ConfigKey candidate : values()) {
      if (candidate.key.equals(key)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Whether a configuration must give this key. */
  public boolean required() {
    return this == NODE_ID || this == MEMBERS;
  }

  /** The default as a value of this key, e.g. {@code 127.0.0.1:6379}; empty when it is required or derived. */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The default as the documentation shows it (Markdown), e.g. {@code `keel-kv`} or {@code required}. */
  public String defaultText() {
    return defaultValue != null ? "`" + defaultValue + "`" : defaultNote;
  }

  /** What the key allows, in Markdown, e.g. {@code 1 to 256}. */
  public String allowed() {
    return allowed;
  }

  /** What the key means, in one Markdown sentence. */
  public String meaning() {
    return meaning;
  }

  /** Whether the key's value is an integer within {@link #min()} and {@link #max()}. */
  public boolean hasIntegerRange() {
    return integer;
  }

  /**
   * The smallest value the key allows.
   *
   * @throws IllegalStateException if the key takes no integer
   */
  public long min() {
    requireInteger();
    return min;
  }

  /**
   * The largest value the key allows.
   *
   * @throws IllegalStateException if the key takes no integer
   */
  public long max() {
    requireInteger();
    return max;
  }

  /** The default of an integer key. */
  long defaultInteger() {
    requireInteger();
    return Long.parseLong(defaultValue);
  }

  private void requireInteger() {
    if (!integer) {
      throw new IllegalStateException(key + " takes no integer");
    }
  }

  /**
   * The table of every key as Markdown, {@code | key | default | allowed | meaning |}, one row per
   * key in declaration order, ending with a newline: the body of docs/kv-config-keys.md.
   */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder("| key | default | allowed | meaning |\n|---|---|---|---|\n");
    for (ConfigKey key : values()) {
      table.append("| `").append(key.key).append("` | ").append(key.defaultText()).append(" | ")
          .append(key.allowed).append(" | ").append(key.meaning).append(" |\n");
    }
    return table.toString();
  }

  /** The key as written in a configuration file. */
  @Override
  public String toString() {
    return key;
  }
}

package io.keel.kv.config;

import static io.keel.kv.config.ConfigKey.*;

import io.keel.kv.store.KvLimits;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.session.SessionLimits;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated configuration of one node of the key-value service, one component per
 * {@link ConfigKey}. Read from a file by {@link ConfigFile}, or built in code with
 * {@link #builder(NodeId)}; either way the constructor checks every value and how they fit together,
 * and refuses with a {@link ConfigException} naming the key.
 *
 * @param nodeId this node's id ({@code node-id})
 * @param members the initial voters and their Raft addresses, in the order given ({@code members})
 * @param clusterId the cluster's name ({@code cluster-id})
 * @param dataDir the directory of this node's state ({@code data-dir})
 * @param raftListen where this node listens for its peers; port 0 means any free port ({@code raft-listen})
 * @param respListen where this node listens for RESP clients; port 0 means any free port ({@code resp-listen})
 * @param httpListen where this node serves HTTP/JSON and /metrics, or empty when that is off ({@code http-listen})
 * @param join whether this node is being added to a running cluster ({@code join})
 * @param groups how many Raft groups the key space is hashed over; the same on every node ({@code groups})
 * @param writeForwarding what a follower does with writes ({@code write-forwarding})
 * @param readMode the read mode of new client connections ({@code read-mode})
 * @param leaseReads whether Raft leaders keep read leases ({@code lease-reads})
 * @param electionTimeout the shortest election timeout, whole milliseconds ({@code election-timeout-ms})
 * @param heartbeatInterval the heartbeat interval, whole milliseconds ({@code heartbeat-interval-ms})
 * @param maxKeyBytes the longest key ({@code max-key-bytes})
 * @param maxValueBytes the longest value ({@code max-value-bytes})
 * @param maxKeysPerCommand the most keys per command ({@code max-keys-per-command})
 * @param maxClients the most client connections at once on the RESP port ({@code max-clients})
 * @param snapshotEveryEntries how many applied entries make a snapshot ({@code snapshot-every-entries})
 * @param sessionTimeout how long an idle client session lasts, whole seconds ({@code session-timeout-s})
 * @param catchUpTimeout how long a node being added or promoted may take to catch up, whole seconds
 *     ({@code catch-up-timeout-s})
 * @param stateMachine where each group's state is kept ({@code state-machine})
 * @param rocksdbCacheMb the memory RocksDB's cache and memtables take, in MiB ({@code rocksdb-cache-mb})
 * @param tls the PEM files of mutual TLS between nodes, or empty for none ({@code tls-*})
 */
public record KvConfig(
    NodeId nodeId,
    Map<NodeId, InetSocketAddress> members,
    String clusterId,
    Path dataDir,
    InetSocketAddress raftListen,
    InetSocketAddress respListen,
    Optional<InetSocketAddress> httpListen,
    boolean join,
    int groups,
    WriteForwarding writeForwarding,
    ClientReadMode readMode,
    boolean leaseReads,
    Duration electionTimeout,
    Duration heartbeatInterval,
    int maxKeyBytes,
    int maxValueBytes,
    int maxKeysPerCommand,
    int maxClients,
    long snapshotEveryEntries,
    Duration sessionTimeout,
    Duration catchUpTimeout,
    StateMachineKind stateMachine,
    int rocksdbCacheMb,
    Optional<TlsFiles> tls) {

  /**
   * Checks every value, then how they fit together.
   *
   * @throws ConfigException naming the first key at fault and what it allows
   */
  public KvConfig {
    ConfigChecks.present(NODE_ID, nodeId);
    members = ConfigChecks.members(members);
    ConfigChecks.membership(nodeId, members, join);
    ConfigChecks.name(CLUSTER_ID, clusterId);
    ConfigChecks.present(DATA_DIR, dataDir);
    ConfigChecks.raftListen(raftListen, join);
    ConfigChecks.address(RESP_LISTEN, respListen, true);
    ConfigChecks.present(HTTP_LISTEN, httpListen)
        .ifPresent(address -> ConfigChecks.address(HTTP_LISTEN, address, true));
    ConfigChecks.integer(GROUPS, groups);
    ConfigChecks.present(WRITE_FORWARDING, writeForwarding);
    ConfigChecks.present(READ_MODE, readMode);
    ConfigChecks.duration(ELECTION_TIMEOUT_MS, electionTimeout, ChronoUnit.MILLIS);
    ConfigChecks.duration(HEARTBEAT_INTERVAL_MS, heartbeatInterval, ChronoUnit.MILLIS);
    ConfigChecks.integer(MAX_KEY_BYTES, maxKeyBytes);
    ConfigChecks.integer(MAX_VALUE_BYTES, maxValueBytes);
    ConfigChecks.integer(MAX_KEYS_PER_COMMAND, maxKeysPerCommand);
    ConfigChecks.integer(MAX_CLIENTS, maxClients);
    ConfigChecks.integer(SNAPSHOT_EVERY_ENTRIES, snapshotEveryEntries);
    ConfigChecks.duration(SESSION_TIMEOUT_S, sessionTimeout, ChronoUnit.SECONDS);
    ConfigChecks.duration(CATCH_UP_TIMEOUT_S, catchUpTimeout, ChronoUnit.SECONDS);
    ConfigChecks.present(STATE_MACHINE, stateMachine);
    ConfigChecks.integer(ROCKSDB_CACHE_MB, rocksdbCacheMb);
    ConfigChecks.present(TLS_CERTIFICATE, tls).ifPresent(files -> {
      ConfigChecks.readableFile(TLS_CERTIFICATE, files.certificate());
      ConfigChecks.readableFile(TLS_PRIVATE_KEY, files.privateKey());
      ConfigChecks.readableFile(TLS_TRUSTED_CERTIFICATES, files.trustedCertificates());
    });
    ConfigChecks.leaseReads(readMode, leaseReads);
    ConfigChecks.heartbeat(electionTimeout, heartbeatInterval);
    try {
      raftConfig(electionTimeout, heartbeatInterval, leaseReads, catchUpTimeout);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(List.of(ELECTION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS),
          "election-timeout-ms and heartbeat-interval-ms are refused by RaftConfig: " + e.getMessage());
    }
  }

  /** A builder for the node {@code nodeId}, holding every default; {@code members} must be added. */
  public static Builder builder(NodeId nodeId) {
    return new Builder(nodeId);
  }

  /**
   * The Raft tunables of this node: {@link RaftConfig#defaults()} with election timeouts drawn from
   * {@link #electionTimeout()} to twice that (capped at {@link RaftConfig#MAX_ELECTION_TIMEOUT}),
   * {@link #heartbeatInterval()} and {@link #leaseReads()}. The catch-up timeout of a new voter is
   * {@link #catchUpTimeout()}, raised to the longest election timeout when that is longer.
   */
  public RaftConfig raftConfig() {
    return raftConfig(electionTimeout, heartbeatInterval, leaseReads, catchUpTimeout);
  }

  private static RaftConfig raftConfig(Duration electionTimeout, Duration heartbeatInterval, boolean leaseReads,
      Duration catchUpTimeout) {
    RaftConfig defaults = RaftConfig.defaults();
    Duration longest = electionTimeout.multipliedBy(2);
    if (longest.compareTo(RaftConfig.MAX_ELECTION_TIMEOUT) > 0) {
      longest = RaftConfig.MAX_ELECTION_TIMEOUT;
    }
    Duration catchUp = catchUpTimeout.compareTo(longest) < 0 ? longest : catchUpTimeout;
    return defaults.toBuilder()
        .electionTimeout(electionTimeout, longest)
        .heartbeatInterval(heartbeatInterval)
        .leaseReads(leaseReads)
        .catchUpTimeout(catchUp)
        .build();
  }

  /** The store's limits: {@link #maxKeyBytes()}, {@link #maxValueBytes()}, {@link #maxKeysPerCommand()}. */
  public KvLimits limits() {
    return new KvLimits(maxKeyBytes, maxValueBytes, maxKeysPerCommand);
  }

  /**
   * The client sessions' limits: {@link #sessionTimeout()}, with the table size and results per
   * session of {@link SessionLimits#DEFAULTS}.
   */
  public SessionLimits sessionLimits() {
    return new SessionLimits(sessionTimeout, SessionLimits.DEFAULTS.maxSessions(),
        SessionLimits.DEFAULTS.maxResultsPerSession());
  }

  /**
   * Collects a node's configuration, starting from every key's default ({@link ConfigKey}); only
   * {@code members} must be given. {@link #build()} validates like {@link KvConfig}'s constructor.
   */
  public static final class Builder {
    private final NodeId nodeId;
    private final Map<NodeId, InetSocketAddress> members = new LinkedHashMap<>();
    private String clusterId = defaultOf(CLUSTER_ID);
    /** Null: {@code ./data/<node-id>}. */
    private Path dataDir;
    /** Null: this node's address in {@link #members}. */
    private InetSocketAddress raftListen;
    private InetSocketAddress respListen = ConfigValues.address(RESP_LISTEN, defaultOf(RESP_LISTEN), true);
    private Optional<InetSocketAddress> httpListen = ConfigValues.addressOrOff(HTTP_LISTEN, defaultOf(HTTP_LISTEN));
    private boolean join = ConfigValues.bool(JOIN, defaultOf(JOIN));
    private int groups = (int) GROUPS.defaultInteger();
    private WriteForwarding writeForwarding =
        ConfigValues.choice(WRITE_FORWARDING, defaultOf(WRITE_FORWARDING), WriteForwarding.class);
    private ClientReadMode readMode = ConfigValues.choice(READ_MODE, defaultOf(READ_MODE), ClientReadMode.class);
    private boolean leaseReads = ConfigValues.bool(LEASE_READS, defaultOf(LEASE_READS));
    private Duration electionTimeout = Duration.ofMillis(ELECTION_TIMEOUT_MS.defaultInteger());
    private Duration heartbeatInterval = Duration.ofMillis(HEARTBEAT_INTERVAL_MS.defaultInteger());
    private int maxKeyBytes = (int) MAX_KEY_BYTES.defaultInteger();
    private int maxValueBytes = (int) MAX_VALUE_BYTES.defaultInteger();
    private int maxKeysPerCommand = (int) MAX_KEYS_PER_COMMAND.defaultInteger();
    private int maxClients = (int) MAX_CLIENTS.defaultInteger();
    private long snapshotEveryEntries = SNAPSHOT_EVERY_ENTRIES.defaultInteger();
    private Duration sessionTimeout = Duration.ofSeconds(SESSION_TIMEOUT_S.defaultInteger());
    private Duration catchUpTimeout = Duration.ofSeconds(CATCH_UP_TIMEOUT_S.defaultInteger());
    private StateMachineKind stateMachine =
        ConfigValues.choice(STATE_MACHINE, defaultOf(STATE_MACHINE), StateMachineKind.class);
    private int rocksdbCacheMb = (int) ROCKSDB_CACHE_MB.defaultInteger();
    private Path tlsCertificate;
    private Path tlsPrivateKey;
    private Path tlsTrustedCertificates;

    private Builder(NodeId nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    private static String defaultOf(ConfigKey key) {
      return key.defaultValue().orElseThrow();
    }

    /** Replaces the members with {@code members}, in its iteration order. */
    public Builder members(Map<NodeId, InetSocketAddress> members) {
      this.members.clear();
      members.forEach(this::member);
      return this;
    }

    /**
     * Adds one member after those added before.
     *
     * @throws ConfigException if {@code node} was added already
     */
    public Builder member(NodeId node, InetSocketAddress address) {
      Objects.requireNonNull(node, "node");
      if (members.putIfAbsent(node, Objects.requireNonNull(address, "address")) != null) {
        throw new ConfigException(MEMBERS, "members: " + node + " is listed twice");
      }
      return this;
    }

    /** Sets {@code cluster-id}. */
    public Builder clusterId(String clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    /** Sets {@code data-dir}. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Sets {@code raft-listen}; port 0 means any free port. */
    public Builder raftListen(InetSocketAddress address) {
      this.raftListen = address;
      return this;
    }

    /** Sets {@code resp-listen}; port 0 means any free port. */
    public Builder respListen(InetSocketAddress address) {
      this.respListen = address;
      return this;
    }

    /** Sets {@code http-listen}; port 0 means any free port. */
    public Builder httpListen(InetSocketAddress address) {
      this.httpListen = Optional.of(address);
      return this;
    }

    /** Turns the HTTP port off ({@code http-listen = off}). */
    public Builder httpOff() {
      this.httpListen = Optional.empty();
      return this;
    }

    /** Sets {@code join}. */
    public Builder join(boolean join) {
      this.join = join;
      return this;
    }

    /** Sets {@code groups}. */
    public Builder groups(int groups) {
      this.groups = groups;
      return this;
    }

    /** Sets {@code write-forwarding}. */
    public Builder writeForwarding(WriteForwarding writeForwarding) {
      this.writeForwarding = writeForwarding;
      return this;
    }

    /** Sets {@code read-mode}. */
    public Builder readMode(ClientReadMode readMode) {
      this.readMode = readMode;
      return this;
    }

    /** Sets {@code lease-reads}. */
    public Builder leaseReads(boolean leaseReads) {
      this.leaseReads = leaseReads;
      return this;
    }

    /** Sets {@code election-timeout-ms}, which must be whole milliseconds. */
    public Builder electionTimeout(Duration timeout) {
      this.electionTimeout = timeout;
      return this;
    }

    /** Sets {@code heartbeat-interval-ms}, which must be whole milliseconds. */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = interval;
      return this;
    }

    /** Sets {@code max-key-bytes}. */
    public Builder maxKeyBytes(int bytes) {
      this.maxKeyBytes = bytes;
      return this;
    }

    /** Sets {@code max-value-bytes}. */
    public Builder maxValueBytes(int bytes) {
      this.maxValueBytes = bytes;
      return this;
    }

    /** Sets {@code max-keys-per-command}. */
    public Builder maxKeysPerCommand(int keys) {
      this.maxKeysPerCommand = keys;
      return this;
    }

    /** Sets {@code max-clients}. */
    public Builder maxClients(int clients) {
      this.maxClients = clients;
      return this;
    }

    /** Sets {@code snapshot-every-entries}. */
    public Builder snapshotEveryEntries(long entries) {
      this.snapshotEveryEntries = entries;
      return this;
    }

    /** Sets {@code session-timeout-s}, which must be whole seconds. */
    public Builder sessionTimeout(Duration timeout) {
      this.sessionTimeout = timeout;
      return this;
    }

    /** Sets {@code catch-up-timeout-s}, in whole seconds. */
    public Builder catchUpTimeout(Duration timeout) {
      this.catchUpTimeout = timeout;
      return this;
    }

    /** Sets {@code state-machine}. */
    public Builder stateMachine(StateMachineKind kind) {
      this.stateMachine = kind;
      return this;
    }

    /** Sets {@code rocksdb-cache-mb}. */
    public Builder rocksdbCacheMb(int megabytes) {
      this.rocksdbCacheMb = megabytes;
      return this;
    }

    /** Sets {@code tls-certificate}; the three TLS files come together or not at all. */
    public Builder tlsCertificate(Path file) {
      this.tlsCertificate = file;
      return this;
    }

    /** Sets {@code tls-private-key}; the three TLS files come together or not at all. */
    public Builder tlsPrivateKey(Path file) {
      this.tlsPrivateKey = file;
      return this;
    }

    /** Sets {@code tls-trusted-certificates}; the three TLS files come together or not at all. */
    public Builder tlsTrustedCertificates(Path file) {
      this.tlsTrustedCertificates = file;
      return this;
    }

    /**
     * Fills in the derived defaults ({@code data-dir}, {@code raft-listen}) and builds the configuration.
     *
     * @throws ConfigException naming the first key at fault and what it allows
     */
    public KvConfig build() {
      Path dir = dataDir != null ? dataDir : Path.of(".", "data", nodeId.value());
      InetSocketAddress raft = raftListen != null || join ? raftListen : members.get(nodeId);
      return new KvConfig(nodeId, members, clusterId, dir, raft, respListen, httpListen, join, groups, writeForwarding,
          readMode, leaseReads, electionTimeout, heartbeatInterval, maxKeyBytes, maxValueBytes, maxKeysPerCommand,
          maxClients, snapshotEveryEntries, sessionTimeout, catchUpTimeout, stateMachine, rocksdbCacheMb, tls());
    }

    private Optional<TlsFiles> tls() {
      Map<ConfigKey, Path> files = new LinkedHashMap<>();
      files.put(TLS_CERTIFICATE, tlsCertificate);
      files.put(TLS_PRIVATE_KEY, tlsPrivateKey);
      files.put(TLS_TRUSTED_CERTIFICATES, tlsTrustedCertificates);
      List<ConfigKey> given = files.keySet().stream().filter(key -> files.get(key) != null).toList();
      if (given.isEmpty()) {
        return Optional.empty();
      }
      if (given.size() < files.size()) {
        List<ConfigKey> missing = files.keySet().stream().filter(key -> files.get(key) == null).toList();
        List<ConfigKey> keys = new ArrayList<>(given);
        keys.addAll(missing);
        throw new ConfigException(keys, names(given) + (given.size() == 1 ? " is" : " are") + " set but "
            + names(missing) + (missing.size() == 1 ? " is" : " are") + " not: give all three TLS files or none");
      }
      return Optional.of(new TlsFiles(tlsCertificate, tlsPrivateKey, tlsTrustedCertificates));
    }

    private static String names(List<ConfigKey> keys) {
      return String.join(" and ", keys.stream().map(ConfigKey::key).toList());
    }
  }
}

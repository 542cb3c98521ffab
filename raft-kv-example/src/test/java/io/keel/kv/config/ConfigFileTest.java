package io.keel.kv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.store.KvLimits;
import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import io.keel.raft.session.SessionLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a node's configuration file: every key and default, and an error naming the line and key for each mistake. */
class ConfigFileTest {

  static final String MINIMAL = """
      node-id = n1
      members = n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003
      """;

  @TempDir
  Path dir;

  private static KvConfig parse(String text) {
    return ConfigFile.parse(text, "node.conf");
  }

  /** The message of the error parsing {@code text} gives. */
  private static String error(String text) {
    return assertThrows(ConfigException.class, () -> parse(text)).getMessage();
  }

  private static InetSocketAddress address(String host, int port) {
    return new InetSocketAddress(host, port);
  }

  private Path pem(String name) throws IOException {
    return Files.writeString(dir.resolve(name), "-----BEGIN CERTIFICATE-----\n", StandardCharsets.UTF_8);
  }

  @Test
  void a_full_file_sets_every_key() throws IOException {
    Path certificate = pem("n1.pem");
    Path privateKey = pem("n1.key");
    Path trusted = pem("ca.pem");
    String text = """
        # node 2 of three
        node-id = n2
          members  =  n1=127.0.0.1:7001, n2=[::1]:7002 ,n3=127.0.0.1:7003   # the voters

        cluster-id = orders.eu-1
        data-dir = /var/lib/keel/n2
        raft-listen = 0.0.0.0:7002
        resp-listen = 127.0.0.1:0
        http-listen = [::1]:8081
        join = false
        groups = 16
        write-forwarding = redirect
        read-mode = lease
        lease-reads = true
        election-timeout-ms = 2000
        heartbeat-interval-ms = 250
        max-key-bytes = 1024
        max-value-bytes = 1048576
        max-keys-per-command = 500
        max-clients = 2000
        snapshot-every-entries = 5000
        session-timeout-s = 60
        tls-certificate = %s
        tls-private-key = %s
        tls-trusted-certificates = %s
        """.formatted(certificate, privateKey, trusted);
    KvConfig config = parse(text);
    assertEquals(NodeId.of("n2"), config.nodeId());
    assertEquals(List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3")), List.copyOf(config.members().keySet()));
    assertEquals(address("::1", 7002), config.members().get(NodeId.of("n2")));
    assertEquals("orders.eu-1", config.clusterId());
    assertEquals(Path.of("/var/lib/keel/n2"), config.dataDir());
    assertEquals(address("0.0.0.0", 7002), config.raftListen());
    assertEquals(address("127.0.0.1", 0), config.respListen());
    assertEquals(Optional.of(address("::1", 8081)), config.httpListen());
    assertFalse(config.join());
    assertEquals(16, config.groups());
    assertEquals(WriteForwarding.REDIRECT, config.writeForwarding());
    assertEquals(ClientReadMode.LEASE, config.readMode());
    assertTrue(config.leaseReads());
    assertEquals(Duration.ofMillis(2000), config.electionTimeout());
    assertEquals(Duration.ofMillis(250), config.heartbeatInterval());
    assertEquals(new KvLimits(1024, 1_048_576, 500), config.limits());
    assertEquals(2000, config.maxClients());
    assertEquals(5000, config.snapshotEveryEntries());
    assertEquals(new SessionLimits(Duration.ofSeconds(60), 100_000, 128), config.sessionLimits());
    assertEquals(Optional.of(new TlsFiles(certificate, privateKey, trusted)), config.tls());
    RaftConfig raft = config.raftConfig();
    assertEquals(Duration.ofMillis(2000), raft.electionTimeoutMin());
    assertEquals(Duration.ofMillis(4000), raft.electionTimeoutMax());
    assertEquals(Duration.ofMillis(250), raft.heartbeatInterval());
    assertTrue(raft.leaseReads());
  }

  @Test
  void a_minimal_file_gets_every_default() {
    KvConfig config = parse(MINIMAL);
    assertEquals(NodeId.of("n1"), config.nodeId());
    assertEquals(3, config.members().size());
    assertEquals("keel-kv", config.clusterId());
    assertEquals(Path.of("./data/n1"), config.dataDir());
    assertEquals(address("127.0.0.1", 7001), config.raftListen());
    assertEquals(address("127.0.0.1", 6379), config.respListen());
    assertEquals(Optional.of(address("127.0.0.1", 8080)), config.httpListen());
    assertFalse(config.join());
    assertEquals(1, config.groups());
    assertEquals(WriteForwarding.FORWARD, config.writeForwarding());
    assertEquals(ClientReadMode.LINEARIZABLE, config.readMode());
    assertFalse(config.leaseReads());
    assertEquals(Duration.ofMillis(1000), config.electionTimeout());
    assertEquals(Duration.ofMillis(100), config.heartbeatInterval());
    assertEquals(KvLimits.DEFAULTS, config.limits());
    assertEquals(10_000, config.maxClients());
    assertEquals(100_000, config.snapshotEveryEntries());
    assertEquals(SessionLimits.DEFAULTS, config.sessionLimits());
    assertEquals(Optional.empty(), config.tls());
    assertEquals(Duration.ofMillis(2000), config.raftConfig().electionTimeoutMax());
  }

  @Test
  void the_builder_has_the_same_defaults_as_the_file() {
    KvConfig built = KvConfig.builder(NodeId.of("n1"))
        .member(NodeId.of("n1"), address("127.0.0.1", 7001))
        .member(NodeId.of("n2"), address("127.0.0.1", 7002))
        .member(NodeId.of("n3"), address("127.0.0.1", 7003))
        .build();
    assertEquals(parse(MINIMAL), built);
  }

  @Test
  void the_builder_validates_like_the_file_without_a_location() {
    ConfigException e = assertThrows(ConfigException.class, () -> KvConfig.builder(NodeId.of("n1"))
        .members(Map.of(NodeId.of("n1"), address("127.0.0.1", 7001))).groups(0).build());
    assertEquals("groups = 0: must be an integer from 1 to 256", e.getMessage());
    assertEquals(List.of(ConfigKey.GROUPS), e.keys());
    assertEquals(OptionalInt.empty(), e.line());
    assertEquals(Optional.empty(), e.source());
    String fractional = assertThrows(ConfigException.class, () -> KvConfig.builder(NodeId.of("n1"))
        .member(NodeId.of("n1"), address("127.0.0.1", 7001)).electionTimeout(Duration.ofNanos(20_000_500)).build())
        .getMessage();
    assertTrue(fractional.startsWith("election-timeout-ms = PT0.0200005S: must be a whole number of milliseconds"),
        fractional);
  }

  @Test
  void comments_blank_lines_crlf_and_a_byte_order_mark_are_ignored() {
    KvConfig config = parse("\uFEFF# a comment\r\n\r\n   \r\nnode-id = n1 # me\r\n" + MINIMAL.lines().skip(1)
        .findFirst().orElseThrow() + "\r\ngroups=8#eight\r\n");
    assertEquals(8, config.groups());
  }

  @Test
  void http_listen_off_turns_http_off() {
    assertEquals(Optional.empty(), parse(MINIMAL + "http-listen = off\n").httpListen());
  }

  @Test
  void a_joining_node_needs_raft_listen_and_need_not_be_a_member() {
    String joining = MINIMAL.replace("node-id = n1", "node-id = n4") + "join = true\n";
    assertEquals("node.conf line 3: raft-listen is required when join = true", error(joining));
    KvConfig config = parse(joining + "raft-listen = 127.0.0.1:7004\n");
    assertTrue(config.join());
    assertEquals(address("127.0.0.1", 7004), config.raftListen());
  }

  @Test
  void an_unknown_key_suggests_the_closest_known_key() {
    assertEquals("node.conf line 3: unknown key 'grops' (did you mean 'groups'?)", error(MINIMAL + "grops = 4\n"));
    assertEquals("node.conf line 3: unknown key 'Read_Mode' (did you mean 'read-mode'?)",
        error(MINIMAL + "Read_Mode = local\n"));
    assertEquals("node.conf line 3: unknown key 'colour' (the keys are listed in docs/kv-config-keys.md)",
        error(MINIMAL + "colour = blue\n"));
  }

  @Test
  void a_key_given_twice_is_refused() {
    assertEquals("node.conf line 4: groups is given twice (first on line 3)",
        error(MINIMAL + "groups = 2\ngroups = 2\n"));
  }

  @Test
  void a_missing_required_key_is_named() {
    assertEquals("node.conf: missing required key 'members'", error("node-id = n1\n"));
    assertEquals("node.conf: missing required keys 'node-id' and 'members'", error("# nothing\n"));
  }

  @Test
  void a_line_without_equals_is_refused() {
    assertEquals("node.conf line 3: expected 'key = value', got 'groups 4'", error(MINIMAL + "groups 4\n"));
    assertEquals("node.conf line 3: expected 'key = value', got no key before '='", error(MINIMAL + " = 4\n"));
  }

  @Test
  void a_bad_integer_names_the_key_line_and_range() {
    assertEquals("node.conf line 3: groups = four: must be an integer from 1 to 256", error(MINIMAL + "groups = four\n"));
    assertEquals("node.conf line 3: groups has no value: must be an integer from 1 to 256", error(MINIMAL + "groups =\n"));
    assertEquals("node.conf line 3: max-clients = 99999999999999999999: must be an integer from 1 to 1000000",
        error(MINIMAL + "max-clients = 99999999999999999999\n"));
  }

  @Test
  void an_integer_out_of_range_names_the_key_line_and_range() {
    assertEquals("node.conf line 3: groups = 0: must be an integer from 1 to 256", error(MINIMAL + "groups = 0\n"));
    assertEquals("node.conf line 3: snapshot-every-entries = 999: must be an integer from 1000 to 1000000000",
        error(MINIMAL + "snapshot-every-entries = 999\n"));
  }

  @Test
  void a_bad_choice_names_the_allowed_values() {
    assertEquals("node.conf line 3: read-mode = strong: must be one of linearizable, lease, local",
        error(MINIMAL + "read-mode = strong\n"));
    assertEquals("node.conf line 3: write-forwarding = proxy: must be one of forward, redirect",
        error(MINIMAL + "write-forwarding = proxy\n"));
    assertEquals("node.conf line 3: join = yes: must be true or false", error(MINIMAL + "join = yes\n"));
  }

  @Test
  void a_bad_address_names_the_key_and_line() {
    assertEquals("node.conf line 3: resp-listen = localhost: must be host:port", error(MINIMAL + "resp-listen = localhost\n"));
    assertEquals("node.conf line 3: resp-listen = 127.0.0.1:65536: port must be an integer from 0 to 65535",
        error(MINIMAL + "resp-listen = 127.0.0.1:65536\n"));
    assertEquals("node.conf line 3: http-listen = :8080: must be host:port, with a host",
        error(MINIMAL + "http-listen = :8080\n"));
    assertEquals("node.conf line 3: raft-listen = ::1:7001: an IPv6 host must be in brackets, like [::1]:7001",
        error(MINIMAL + "raft-listen = ::1:7001\n"));
    assertEquals("node.conf line 3: raft-listen = [::1:7001: an IPv6 host must be in brackets, like [::1]:7001",
        error(MINIMAL + "raft-listen = [::1:7001\n"));
    assertEquals("node.conf line 3: resp-listen = no-such-host.invalid:6379: cannot resolve host 'no-such-host.invalid'",
        error(MINIMAL + "resp-listen = no-such-host.invalid:6379\n"));
  }

  @Test
  void bad_members_are_named() {
    assertEquals("node.conf line 2: members = n1=127.0.0.1:0: n1's address '127.0.0.1:0': port must be an integer"
        + " from 1 to 65535", error("node-id = n1\nmembers = n1=127.0.0.1:0\n"));
    assertEquals("node.conf line 2: members = n1=127.0.0.1:7001,n1=127.0.0.1:7002: n1 is listed twice",
        error("node-id = n1\nmembers = n1=127.0.0.1:7001,n1=127.0.0.1:7002\n"));
    assertEquals("node.conf line 2: members: n1 and n2 have the same address 127.0.0.1:7001",
        error("node-id = n1\nmembers = n1=127.0.0.1:7001,n2=127.0.0.1:7001\n"));
    assertEquals("node.conf line 2: members = n1=127.0.0.1:7001,: '' must be id=host:port",
        error("node-id = n1\nmembers = n1=127.0.0.1:7001,\n"));
    assertTrue(error("node-id = n1\nmembers = n 1=127.0.0.1:7001\n")
        .startsWith("node.conf line 2: members = n 1=127.0.0.1:7001: node id may hold only"));
    StringBuilder many = new StringBuilder("n1=127.0.0.1:7001");
    for (int i = 2; i <= 65; i++) {
      many.append(",n").append(i).append("=127.0.0.1:").append(7000 + i);
    }
    assertTrue(error("node-id = n1\nmembers = " + many + "\n").endsWith(": lists 65 members; at most 64 are allowed"));
  }

  @Test
  void a_bad_node_id_or_cluster_id_is_named() {
    assertTrue(error("node-id = n/1\nmembers = n1=127.0.0.1:7001\n")
        .startsWith("node.conf line 1: node-id = n/1: node id may hold only"));
    assertEquals("node.conf line 3: cluster-id = a b: must be 1 to 64 letters, digits, '.', '_' or '-'",
        error(MINIMAL + "cluster-id = a b\n"));
  }

  @Test
  void a_node_id_not_among_the_members_is_refused() {
    assertEquals("node.conf line 2: members does not list node-id n9: list it, or set join = true to add this node"
        + " to a running cluster", error(MINIMAL.replace("node-id = n1", "node-id = n9")));
  }

  @Test
  void lease_read_mode_needs_lease_reads() {
    assertEquals("node.conf line 4: read-mode = lease needs lease-reads = true, but lease-reads is false",
        error(MINIMAL + "lease-reads = false\nread-mode = lease\n"));
  }

  @Test
  void the_heartbeat_must_be_less_than_half_the_election_timeout() {
    String expected = "heartbeat-interval-ms = 500 must be less than half of election-timeout-ms = 1000, so that"
        + " followers hear from their leader before they time out";
    assertEquals("node.conf line 3: " + expected, error(MINIMAL + "heartbeat-interval-ms = 500\n"));
    assertEquals("node.conf line 3: heartbeat-interval-ms = 100 must be less than half of election-timeout-ms = 200,"
        + " so that followers hear from their leader before they time out", error(MINIMAL + "election-timeout-ms = 200\n"));
  }

  @Test
  void an_election_timeout_at_its_maximum_still_makes_a_raft_config() {
    RaftConfig raft = parse(MINIMAL + "election-timeout-ms = 600000\n").raftConfig();
    assertEquals(RaftConfig.MAX_ELECTION_TIMEOUT, raft.electionTimeoutMax());
    assertTrue(raft.catchUpTimeout().compareTo(raft.electionTimeoutMin()) >= 0);
  }

  @Test
  void tls_files_come_all_three_or_none() throws IOException {
    Path certificate = pem("n1.pem");
    assertEquals("node.conf line 3: tls-certificate is set but tls-private-key and tls-trusted-certificates are not:"
        + " give all three TLS files or none", error(MINIMAL + "tls-certificate = " + certificate + "\n"));
    assertEquals("node.conf line 4: tls-private-key and tls-trusted-certificates are set but tls-certificate is not:"
        + " give all three TLS files or none",
        error(MINIMAL + "\ntls-private-key = " + certificate + "\ntls-trusted-certificates = " + certificate + "\n"));
  }

  @Test
  void a_tls_file_that_is_not_there_is_named() throws IOException {
    Path certificate = pem("n1.pem");
    Path absent = dir.resolve("absent.key");
    String message = error(MINIMAL + "tls-certificate = " + certificate + "\ntls-private-key = " + absent
        + "\ntls-trusted-certificates = " + certificate + "\n");
    assertEquals("node.conf line 4: tls-private-key = " + absent + ": no readable file at " + absent, message);
  }

  @Test
  void a_file_is_read_as_utf8_and_named_in_errors() throws IOException {
    Path file = Files.writeString(dir.resolve("node.conf"), MINIMAL + "cluster-id = é\n", StandardCharsets.UTF_8);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse(file));
    assertEquals(file + " line 3: cluster-id = é: must be 1 to 64 letters, digits, '.', '_' or '-'", e.getMessage());
    assertEquals(OptionalInt.of(3), e.line());
    Path latin1 = Files.write(dir.resolve("latin1.conf"), new byte[] {'a', '=', (byte) 0xE9, '\n'});
    assertEquals(latin1 + ": not UTF-8 text", assertThrows(ConfigException.class, () -> ConfigFile.parse(latin1))
        .getMessage());
    Path absent = dir.resolve("absent.conf");
    assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.parse(absent)).getMessage()
        .equals(absent + ": no such file"));
    Files.writeString(file, MINIMAL, StandardCharsets.UTF_8);
    assertEquals(parse(MINIMAL), ConfigFile.parse(file));
  }

  @Test
  void edit_distance_counts_single_character_edits() {
    assertEquals(0, ConfigFile.editDistance("groups", "groups"));
    assertEquals(1, ConfigFile.editDistance("grops", "groups"));
    assertEquals(2, ConfigFile.editDistance("join", "jion"));
    assertEquals(3, ConfigFile.editDistance("", "abc"));
    assertEquals(Optional.empty(), ConfigFile.closestKey("zzzzzz"));
  }
}

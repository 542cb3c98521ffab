package io.keel.fault;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import io.keel.kv.server.Addresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The cluster under test: a {@link NodeProcess} per place on the {@link Network}, the
 * configuration files the test writes for them, and what the test asks the nodes through their
 * RESP ports (admin commands, {@code INFO}, local reads), each with a timeout.
 */
final class FaultCluster implements AutoCloseable {

  /** One group's state on one node, as {@code INFO} tells it. */
  record GroupView(String group, String role, long term, String leader, long commitIndex, long appliedIndex,
      List<String> voters) {}

  private final Network network;
  private final int groups;
  private final Duration electionTimeout;
  private final List<NodeProcess> nodes = new ArrayList<>();

  FaultCluster(Network network, Path dir, int groups, Duration electionTimeout) {
    this.network = network;
    this.groups = groups;
    this.electionTimeout = electionTimeout;
    for (int i = 0; i < network.size(); i++) {
      nodes.add(new NodeProcess(i, network, dir.resolve("n" + (i + 1)), List.of("-Xmx256m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.showDateTime=true")));
    }
  }

  int size() {
    return nodes.size();
  }

  NodeProcess node(int index) {
    return nodes.get(index);
  }

  Network network() {
    return network;
  }

  /** Starts every node as an initial voter. */
  void startAll() throws IOException {
    for (NodeProcess node : nodes) {
      node.start(config(node.index(), false, allIndexes()));
    }
  }

  /**
   * Starts node {@code index} again on its data. A node whose data was wiped starts as a joining
   * node instead: started as an initial voter, an empty node would be one that forgot its votes.
   */
  void restart(int index) throws IOException {
    if (!Files.isDirectory(nodes.get(index).dataDir())) {
      List<Integer> others = allIndexes();
      others.remove(Integer.valueOf(index));
      startJoining(index, others);
      return;
    }
    nodes.get(index).start(config(index, false, allIndexes()));
  }

  /** Starts node {@code index} empty and waiting to be added; it reaches the cluster through {@code members}. */
  void startJoining(int index, List<Integer> members) throws IOException {
    nodes.get(index).start(config(index, true, members));
  }

  private List<Integer> allIndexes() {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      all.add(i);
    }
    return all;
  }

  private String config(int index, boolean join, List<Integer> members) {
    StringBuilder list = new StringBuilder();
    for (int member : members) {
      if (list.length() > 0) {
        list.append(',');
      }
      list.append(nodes.get(member).id()).append('=').append(Addresses.format(network.raftAddress(member)));
    }
    return "# written by the fault test\n"
        + "node-id = " + nodes.get(index).id() + "\n"
        + "members = " + list + "\n"
        + "raft-listen = " + Addresses.format(network.raftListen(index)) + "\n"
        + "resp-listen = " + Addresses.format(network.respAddress(index)) + "\n"
        + "http-listen = off\n"
        + "data-dir = " + nodes.get(index).dataDir() + "\n"
        + "groups = " + groups + "\n"
        + "join = " + join + "\n"
        + "election-timeout-ms = " + electionTimeout.toMillis() + "\n"
        + "heartbeat-interval-ms = " + Math.max(10, electionTimeout.toMillis() / 10) + "\n"
        + "session-timeout-s = 60\n";
  }

  /** The Raft address of node {@code index}, as the admin commands name it. */
  String raftAddress(int index) {
    return Addresses.format(network.raftAddress(index));
  }

  /** Sends {@code command} to node {@code index} and waits up to {@code timeout} for the reply. */
  RespReply ask(int index, Duration timeout, String... command) throws IOException {
    try (RespClient client = RespClient.connect(network.respAddress(index), Duration.ofSeconds(2))) {
      return client.send(command).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(nodes.get(index).id() + " gave no answer to " + String.join(" ", command) + ": " + e, e);
    }
  }

  /** Node {@code index}'s view of every group, from {@code INFO}. */
  List<GroupView> groupsSeenBy(int index) throws IOException {
    RespReply info = ask(index, Duration.ofSeconds(5), "INFO");
    if (!(info instanceof RespReply.Bulk bulk)) {
      throw new IOException(nodes.get(index).id() + " answered INFO with " + info);
    }
    List<GroupView> views = new ArrayList<>();
    for (String line : bulk.text().split("\r\n")) {
      if (line.startsWith("kv-") && line.contains(":role=")) {
        views.add(parse(line));
      }
    }
    return views;
  }

  private static GroupView parse(String line) {
    String group = line.substring(0, line.indexOf(':'));
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : line.substring(line.indexOf(':') + 1).split(",")) {
      int equals = pair.indexOf('=');
      fields.put(pair.substring(0, equals), pair.substring(equals + 1));
    }
    List<String> voters = fields.get("voters").isEmpty() ? List.of() : List.of(fields.get("voters").split("\\|"));
    return new GroupView(group, fields.get("role"), Long.parseLong(fields.get("term")), fields.get("leader"),
        Long.parseLong(fields.get("commit_index")), Long.parseLong(fields.get("applied_index")), voters);
  }

  /** The node that leads group {@code group}, as the first answering running node says, if any. */
  Optional<Integer> leaderOf(int group) {
    for (NodeProcess node : nodes) {
      if (!node.running() || node.paused()) {
        continue;
      }
      try {
        GroupView view = groupsSeenBy(node.index()).get(group);
        if (!view.leader().equals("-")) {
          return Optional.of(Integer.parseInt(view.leader().substring(1)) - 1);
        }
      } catch (IOException | RuntimeException e) {
        // ask the next one
      }
    }
    return Optional.empty();
  }

  /** The voters of every group as node {@code index} sees them (their union). */
  TreeSet<String> votersSeenBy(int index) throws IOException {
    TreeSet<String> voters = new TreeSet<>();
    for (GroupView view : groupsSeenBy(index)) {
      voters.addAll(view.voters());
    }
    return voters;
  }

  /**
   * What node {@code index}'s own replicas hold for {@code keys}, read locally (no leader asked),
   * followed by its local key count: for comparing the nodes' state machines once they are idle.
   */
  List<String> localContents(int index, List<String> keys) throws IOException {
    try (RespClient client = RespClient.connect(network.respAddress(index), Duration.ofSeconds(2))) {
      client.send("KEEL.READS", "local").get(5, TimeUnit.SECONDS);
      List<String> mget = new ArrayList<>(keys);
      mget.add(0, "MGET");
      RespReply values = client.send(mget.toArray(String[]::new)).get(5, TimeUnit.SECONDS);
      RespReply size = client.send("DBSIZE").get(5, TimeUnit.SECONDS);
      List<String> contents = new ArrayList<>();
      if (values instanceof RespReply.Array array && array.elements() != null) {
        array.elements().forEach(value -> contents.add(value instanceof RespReply.Bulk bulk ? bulk.text() : value.toString()));
      } else {
        contents.add(values.toString());
      }
      contents.add("dbsize=" + size);
      return contents;
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(nodes.get(index).id() + " gave no local contents: " + e, e);
    }
  }

  /** How many groups the key space is hashed over. */
  int groups() {
    return groups;
  }

  Duration electionTimeout() {
    return electionTimeout;
  }

  @Override
  public void close() {
    for (NodeProcess node : nodes) {
      try {
        node.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

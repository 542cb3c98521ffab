package io.keel.bench.cluster;

import io.keel.raft.NodeId;
import io.keel.raft.RaftConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One W1 node in its own JVM, for {@code w1 --processes 3}: runs until its standard input closes
 * (the parent exited) or it is killed.
 */
@Command(name = "node", hidden = true, mixinStandardHelpOptions = true,
    description = "Runs one W1 node until standard input closes (used by w1 --processes 3).")
public final class NodeCommand implements Callable<Integer> {

  @Option(names = "--id", required = true, description = "This node's id.")
  String id;

  @Option(names = "--listen", required = true, description = "host:port to listen on.")
  String listen;

  @Option(names = "--peer", required = true, description = "id=host:port of a peer; repeat per peer.")
  List<String> peers;

  @Option(names = "--dir", required = true, description = "The node's fresh data directory.")
  Path dir;

  @Option(names = "--election-ms", defaultValue = "150", description = "Minimum election timeout; the maximum is twice it.")
  long electionMillis;

  @Override
  public Integer call() throws Exception {
    Map<NodeId, InetSocketAddress> peerAddresses = new LinkedHashMap<>();
    for (String peer : peers) {
      int equals = peer.indexOf('=');
      if (equals < 1) {
        throw new IllegalArgumentException("--peer must be id=host:port, got " + peer);
      }
      peerAddresses.put(NodeId.of(peer.substring(0, equals)), address(peer.substring(equals + 1)));
    }
    RaftConfig config = RaftConfig.builder()
        .electionTimeout(Duration.ofMillis(electionMillis), Duration.ofMillis(2 * electionMillis))
        .build();
    try (BenchNode node = BenchNode.start(NodeId.of(id), address(listen), peerAddresses, dir, config)) {
      while (System.in.read() != -1) {
        // wait for the parent to go away
      }
    }
    return 0;
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("expected host:port, got " + hostPort);
    }
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }
}

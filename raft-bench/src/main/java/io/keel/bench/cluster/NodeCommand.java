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
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * One W1 node in its own JVM, for {@code w1 --processes 3}: runs until its standard input closes
 * (the parent exited) or it is killed.
 */
@Command(name = "node", hidden = true, mixinStandardHelpOptions = true,
    description = "Runs one W1 node until standard input closes (used by w1 --processes 3).")
public final class NodeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--id", required = true, converter = NodeIdConverter.class, description = "This node's id.")
  NodeId id;

  @Option(names = "--listen", required = true, converter = AddressConverter.class, description = "host:port to listen on.")
  InetSocketAddress listen;

  @Option(names = "--peer", required = true, converter = PeerConverter.class,
      description = "id=host:port of a peer; repeat per peer.")
  List<Peer> peers;

  @Option(names = "--dir", required = true, description = "The node's fresh data directory.")
  Path dir;

  @Option(names = "--snapshots", description = "Take snapshots by the default policy (w1 --snapshots default).")
  boolean snapshots;

  @Option(names = "--election-ms", defaultValue = "500",
      description = "Minimum election timeout (default ${DEFAULT-VALUE}, as RaftConfig's); the maximum is twice it.")
  long electionMillis;

  @Override
  public Integer call() throws Exception {
    Map<NodeId, InetSocketAddress> peerAddresses = new LinkedHashMap<>();
    for (Peer peer : peers) {
      if (peerAddresses.put(peer.id(), peer.address()) != null) {
        throw new ParameterException(spec.commandLine(), "--peer " + peer.id() + " is given twice");
      }
    }
    RaftConfig config = config();
    try (BenchNode<Integer> node = BenchNode.startW1(id, listen, peerAddresses, dir, config, snapshots)) {
      while (System.in.read() != -1) {
        // wait for the parent to go away
      }
    }
    return 0;
  }

  private RaftConfig config() {
    try {
      return RaftConfig.builder()
          .electionTimeout(Duration.ofMillis(electionMillis), Duration.ofMillis(2 * electionMillis))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--election-ms " + electionMillis + ": " + e.getMessage());
    }
  }

  /** A peer given as {@code id=host:port}. */
  record Peer(NodeId id, InetSocketAddress address) {}

  /** Parses a node id, with the rule it breaks if it is not one. */
  static final class NodeIdConverter implements ITypeConverter<NodeId> {
    @Override
    public NodeId convert(String value) {
      try {
        return NodeId.of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a node id: " + e.getMessage());
      }
    }
  }

  /** Parses {@code host:port}, port 0 to 65535, and says which part is wrong. */
  static final class AddressConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      int colon = value.lastIndexOf(':');
      if (colon < 1 || colon == value.length() - 1) {
        throw new TypeConversionException("'" + value + "' is not host:port");
      }
      String portText = value.substring(colon + 1);
      int port;
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not host:port: the port '" + portText
            + "' is not a number");
      }
      if (port < 0 || port > 65_535) {
        throw new TypeConversionException("'" + value + "': the port " + port + " is outside 0 to 65535");
      }
      InetSocketAddress address = new InetSocketAddress(value.substring(0, colon), port);
      if (address.isUnresolved()) {
        throw new TypeConversionException("'" + value + "': unknown host '" + value.substring(0, colon) + "'");
      }
      return address;
    }
  }

  /** Parses {@code id=host:port}. */
  static final class PeerConverter implements ITypeConverter<Peer> {
    @Override
    public Peer convert(String value) {
      int equals = value.indexOf('=');
      if (equals < 1) {
        throw new TypeConversionException("'" + value + "' is not id=host:port");
      }
      return new Peer(new NodeIdConverter().convert(value.substring(0, equals)),
          new AddressConverter().convert(value.substring(equals + 1)));
    }
  }
}

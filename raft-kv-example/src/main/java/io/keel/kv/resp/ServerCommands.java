package io.keel.kv.resp;

import static io.keel.kv.resp.RespCommands.text;

import io.keel.kv.config.ClientReadMode;
import io.keel.kv.server.ClusterAdmin;
import io.keel.kv.server.KvService;
import io.keel.kv.server.ServiceException;
import io.keel.kv.server.ShardReplica;
import io.keel.raft.NodeId;
import io.keel.raft.runtime.GroupStatus;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The commands about the connection, the node and the cluster: PING, ECHO, QUIT, SELECT, CLIENT,
 * CONFIG, COMMAND (enough for {@code redis-cli} and {@code redis-benchmark} to start cleanly), INFO,
 * and Keel's own {@code KEEL.*} commands: the connection's read mode, membership changes, leader
 * transfers, and the forwarding of writes between nodes.
 */
final class ServerCommands {

  private final KvService service;
  private final ClusterAdmin admin;
  private final RespCommands commands;

  ServerCommands(KvService service, ClusterAdmin admin, RespCommands commands) {
    this.service = service;
    this.admin = admin;
    this.commands = commands;
  }

  void register(RespCommands table) {
    table.add("ping", -1, "fast", 0, 0, 0, (c, a) -> done(a.size() == 1 ? new RespReply.Simple("PONG")
        : a.size() == 2 ? new RespReply.Bulk(a.get(1)) : arity("ping")));
    table.add("echo", 2, "fast", 0, 0, 0, (c, a) -> done(new RespReply.Bulk(a.get(1))));
    table.add("quit", -1, "fast", 0, 0, 0, (c, a) -> {
      c.quitting = true;
      return done(RespReply.OK);
    });
    table.add("select", 2, "fast", 0, 0, 0, (c, a) -> done(text(a, 1).equals("0") ? RespReply.OK
        : RespReply.error("ERR DB index is out of range: this service has database 0 only")));
    table.add("client", -2, "", 0, 0, 0, this::client);
    table.add("config", -2, "", 0, 0, 0, this::config);
    table.add("command", -1, "", 0, 0, 0, this::command);
    table.add("info", -1, "", 0, 0, 0, (c, a) -> done(RespReply.bulk(info())));
    table.add("keel.reads", 2, "fast", 0, 0, 0, this::readMode);
    table.add("keel.propose", -3, "write", 0, 0, 0, this::propose);
    table.add("keel.group", -4, "admin", 0, 0, 0, this::group);
    table.add("keel.addnode", -3, "admin", 0, 0, 0, (c, a) -> {
      boolean learner = a.size() == 4 && text(a, 3).equalsIgnoreCase("learner");
      if (a.size() > 4 || (a.size() == 4 && !learner)) {
        return done(RespReply.error("ERR usage: KEEL.ADDNODE <node> <raft host:port> [LEARNER]"));
      }
      return admin.everyGroup(learner ? ClusterAdmin.Operation.ADD_LEARNER : ClusterAdmin.Operation.ADD_VOTER,
          node(a, 1), text(a, 2));
    });
    table.add("keel.promote", 2, "admin", 0, 0, 0, (c, a) ->
        admin.everyGroup(ClusterAdmin.Operation.PROMOTE, node(a, 1), null));
    table.add("keel.removenode", 2, "admin", 0, 0, 0, (c, a) ->
        admin.everyGroup(ClusterAdmin.Operation.REMOVE, node(a, 1), null));
    table.add("keel.transfer", 3, "admin", 0, 0, 0, (c, a) ->
        admin.inGroup(groupIndex(a, 1), ClusterAdmin.Operation.TRANSFER,
            text(a, 2).equals("-") ? null : node(a, 2), null, true));
    table.add("keel.leaders", 1, "fast", 0, 0, 0, (c, a) -> done(leaders()));
  }

  private static CompletableFuture<RespReply> done(RespReply reply) {
    return CompletableFuture.completedFuture(reply);
  }

  private static RespReply arity(String command) {
    return RespReply.error("ERR wrong number of arguments for '" + command + "' command");
  }

  private CompletableFuture<RespReply> client(ClientState client, List<byte[]> args) {
    String sub = text(args, 1).toLowerCase(Locale.ROOT);
    switch (sub) {
      case "setname" -> {
        if (args.size() != 3) {
          return done(arity("client|setname"));
        }
        String name = text(args, 2);
        if (name.chars().anyMatch(ch -> ch <= ' ' || ch > '~')) {
          return done(RespReply.error("ERR Client names cannot contain spaces, newlines or special characters."));
        }
        client.name = name;
        return done(RespReply.OK);
      }
      case "getname" -> {
        return done(client.name.isEmpty() ? RespReply.NULL : RespReply.bulk(client.name));
      }
      case "id" -> {
        return done(new RespReply.Integer(client.id));
      }
      default -> {
        return done(RespReply.error("ERR unknown subcommand '" + RespCommands.printable(args.get(1))
            + "'. Try CLIENT SETNAME, GETNAME or ID."));
      }
    }
  }

  /**
   * CONFIG GET answers the few parameters clients such as {@code redis-benchmark} ask about, as
   * they hold for this service (every write is in the fsynced Raft log before it is answered), and
   * nothing for others; CONFIG SET and the rest are refused: settings live in the node's file.
   */
  private CompletableFuture<RespReply> config(ClientState client, List<byte[]> args) {
    if (text(args, 1).equalsIgnoreCase("get") && args.size() == 3) {
      String parameter = text(args, 2).toLowerCase(Locale.ROOT);
      String value = switch (parameter) {
        case "save" -> "";
        case "appendonly" -> "yes";
        case "appendfsync" -> "always";
        case "databases" -> "1";
        default -> null;
      };
      return done(new RespReply.Array(value == null ? List.of()
          : List.of(RespReply.bulk(parameter), RespReply.bulk(value))));
    }
    return done(RespReply.error("ERR CONFIG " + RespCommands.printable(args.get(1))
        + " is not supported: a node's settings are in its configuration file"));
  }

  private CompletableFuture<RespReply> command(ClientState client, List<byte[]> args) {
    String sub = args.size() == 1 ? "" : text(args, 1).toLowerCase(Locale.ROOT);
    List<RespReply> infos = new ArrayList<>();
    switch (sub) {
      case "" -> commands.specs().forEach(spec -> infos.add(info(spec)));
      case "count" -> {
        return done(new RespReply.Integer(commands.specs().size()));
      }
      case "info" -> {
        for (int i = 2; i < args.size(); i++) {
          RespCommands.Spec spec = commands.spec(text(args, i).toLowerCase(Locale.ROOT));
          infos.add(spec == null ? new RespReply.Array(null) : info(spec));
        }
      }
      case "docs" -> { } // no documentation replies: redis-cli then uses its own hints
      case "list" -> commands.specs().forEach(spec -> infos.add(RespReply.bulk(spec.name())));
      default -> {
        return done(RespReply.error("ERR unknown subcommand '" + RespCommands.printable(args.get(1))
            + "'. Try COMMAND, COMMAND COUNT, INFO, DOCS or LIST."));
      }
    }
    return done(new RespReply.Array(infos));
  }

  private static RespReply info(RespCommands.Spec spec) {
    List<RespReply> flags = new ArrayList<>();
    spec.flags().forEach(flag -> flags.add(new RespReply.Simple(flag)));
    return new RespReply.Array(List.of(RespReply.bulk(spec.name()), new RespReply.Integer(spec.arity()),
        new RespReply.Array(flags), new RespReply.Integer(spec.firstKey()), new RespReply.Integer(spec.lastKey()),
        new RespReply.Integer(spec.step())));
  }

  private CompletableFuture<RespReply> readMode(ClientState client, List<byte[]> args) {
    try {
      client.readMode = ClientReadMode.valueOf(text(args, 1).toUpperCase(Locale.ROOT));
      return done(RespReply.OK);
    } catch (IllegalArgumentException e) {
      return done(RespReply.error("ERR read mode must be linearizable, lease or local"));
    }
  }

  /**
   * Writes another node forwards, as session commands, all proposed here at once if this node leads
   * their group; answered with an array of each one's encoded result or error.
   */
  private CompletableFuture<RespReply> propose(ClientState client, List<byte[]> args) {
    ShardReplica replica = service.replicas().get(groupIndex(args, 1));
    List<CompletableFuture<RespReply>> each = new ArrayList<>(args.size() - 2);
    for (int i = 2; i < args.size(); i++) {
      each.add(replica.proposeForwarded(args.get(i)).handle((result, failure) -> failure == null
          ? new RespReply.Bulk(result) : RespReply.error(replica.forwardedFailure(failure))));
    }
    return DataCommands.all(each).thenApply(RespReply.Array::new);
  }

  private CompletableFuture<RespReply> group(ClientState client, List<byte[]> args) {
    ClusterAdmin.Operation operation = ClusterAdmin.Operation.of(text(args, 2))
        .orElseThrow(() -> new ServiceException("ERR unknown group operation " + RespCommands.printable(args.get(2))));
    boolean needsAddress = operation == ClusterAdmin.Operation.ADD_VOTER
        || operation == ClusterAdmin.Operation.ADD_LEARNER;
    if (args.size() != (needsAddress ? 5 : 4)) {
      return done(arity("keel.group"));
    }
    NodeId node = text(args, 3).equals("-") ? null : node(args, 3);
    return admin.inGroup(groupIndex(args, 1), operation, node, needsAddress ? text(args, 4) : null, false);
  }

  private int groupIndex(List<byte[]> args, int i) {
    try {
      int group = Integer.parseInt(text(args, i));
      if (group >= 0 && group < service.shards().count()) {
        return group;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new ServiceException("ERR no group " + RespCommands.printable(args.get(i)) + ": groups are 0 to "
        + (service.shards().count() - 1));
  }

  private static NodeId node(List<byte[]> args, int i) {
    try {
      return NodeId.of(text(args, i));
    } catch (IllegalArgumentException e) {
      throw new ServiceException("ERR " + e.getMessage());
    }
  }

  private RespReply leaders() {
    List<RespReply> lines = new ArrayList<>();
    for (ShardReplica replica : service.replicas()) {
      lines.add(RespReply.bulk(service.shards().id(replica.index()).value() + " "
          + replica.leader().map(NodeId::value).orElse("-")));
    }
    return new RespReply.Array(lines);
  }

  private String info() {
    StringBuilder info = new StringBuilder();
    info.append("# Server\r\nkeel_version:0.1.0\r\nredis_mode:keel\r\nnode_id:").append(service.self().value())
        .append("\r\nuptime_in_seconds:").append(ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
        .append("\r\n\r\n# Clients\r\nconnected_clients:").append(commands.stats().openConnections())
        .append("\r\n\r\n# Keel\r\ngroups:").append(service.shards().count());
    int led = 0;
    StringBuilder groups = new StringBuilder();
    long keys = 0;
    for (ShardReplica replica : service.replicas()) {
      GroupStatus status = replica.group().status();
      led += status.isLeader() ? 1 : 0;
      keys += replica.store().size();
      groups.append(status.group().value()).append(":role=").append(status.role().name().toLowerCase(Locale.ROOT))
          .append(",term=").append(status.term())
          .append(",leader=").append(status.leader().map(NodeId::value).orElse("-"))
          .append(",commit_index=").append(status.commitIndex())
          .append(",applied_index=").append(status.appliedIndex())
          .append(",voters=").append(names(status.configuration().voters()))
          .append(",learners=").append(names(status.configuration().learners()))
          .append("\r\n");
    }
    info.append("\r\ngroups_led:").append(led).append("\r\n\r\n# Groups\r\n").append(groups)
        .append("\r\n# Keyspace\r\ndb0:keys=").append(keys).append("\r\n");
    return info.toString();
  }

  private static String names(Collection<NodeId> nodes) {
    return nodes.stream().map(NodeId::value).collect(Collectors.joining("|"));
  }
}

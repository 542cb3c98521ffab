package io.keel.kv.cli;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code keel-kv admin}: membership and leadership, sent to any node, which has each group's leader
 * make the change (the {@code KEEL.*} commands of the RESP port).
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Change the cluster's members or leaders through any node.",
    subcommands = {AdminCommand.AddNode.class, AdminCommand.RemoveNode.class, AdminCommand.Promote.class,
        AdminCommand.Transfer.class, AdminCommand.Leaders.class})
public final class AdminCommand implements Callable<Integer> {

  @Option(names = "--host", scope = ScopeType.INHERIT,
      description = "A node's RESP host (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(names = {"-p", "--port"}, scope = ScopeType.INHERIT,
      description = "That node's RESP port (default: ${DEFAULT-VALUE}).")
  int port = 7379;

  @Option(names = "--timeout-s", scope = ScopeType.INHERIT,
      description = "How long to wait for the answer, in seconds: an added node first catches up, which may take as"
          + " long as the nodes' catch-up-timeout-s (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = 900;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }

  /** Sends one command to the node and prints its reply; 0 for a reply that is no error. */
  static int send(AdminCommand parent, String... command) {
    try (RespClient client = RespClient.connect(new InetSocketAddress(parent.host, parent.port), Duration.ofSeconds(5))) {
      RespReply reply = client.send(command).get(parent.timeoutSeconds, TimeUnit.SECONDS);
      print(reply);
      return reply instanceof RespReply.Error ? 1 : 0;
    } catch (IOException e) {
      System.err.println(e.getMessage());
      return 1;
    } catch (Exception e) {
      System.err.println("no answer from " + parent.host + ":" + parent.port + ": " + e);
      return 1;
    }
  }

  private static void print(RespReply reply) {
    if (reply instanceof RespReply.Array array && array.elements() != null) {
      array.elements().forEach(AdminCommand::print);
    } else if (reply instanceof RespReply.Bulk bulk) {
      System.out.println(bulk.text());
    } else if (reply instanceof RespReply.Simple simple) {
      System.out.println(simple.text());
    } else if (reply instanceof RespReply.Error error) {
      System.err.println(error.text());
    } else {
      System.out.println(reply);
    }
  }

  /** {@code admin add-node NODE HOST:PORT [--learner]}. */
  @Command(name = "add-node", mixinStandardHelpOptions = true,
      description = "Add a node (started with join = true) to every group, as a voter unless --learner.")
  static final class AddNode implements Callable<Integer> {
    @ParentCommand
    AdminCommand parent;

    @Parameters(index = "0", description = "The new node's id.")
    String node;

    @Parameters(index = "1", description = "The new node's Raft address, host:port.")
    String address;

    @Option(names = "--learner", description = "Add it as a learner (it copies the data but does not vote).")
    boolean learner;

    @Override
    public Integer call() {
      return learner ? send(parent, "KEEL.ADDNODE", node, address, "LEARNER")
          : send(parent, "KEEL.ADDNODE", node, address);
    }
  }

  /** {@code admin remove-node NODE}. */
  @Command(name = "remove-node", mixinStandardHelpOptions = true, description = "Remove a node from every group.")
  static final class RemoveNode implements Callable<Integer> {
    @ParentCommand
    AdminCommand parent;

    @Parameters(index = "0", description = "The node's id.")
    String node;

    @Override
    public Integer call() {
      return send(parent, "KEEL.REMOVENODE", node);
    }
  }

  /** {@code admin promote NODE}. */
  @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make a learner a voter in every group.")
  static final class Promote implements Callable<Integer> {
    @ParentCommand
    AdminCommand parent;

    @Parameters(index = "0", description = "The learner's id.")
    String node;

    @Override
    public Integer call() {
      return send(parent, "KEEL.PROMOTE", node);
    }
  }

  /** {@code admin transfer GROUP NODE}. */
  @Command(name = "transfer", mixinStandardHelpOptions = true,
      description = "Hand a group's leadership to a voter ('-' for the most up-to-date one).")
  static final class Transfer implements Callable<Integer> {
    @ParentCommand
    AdminCommand parent;

    @Parameters(index = "0", description = "The group's index, 0 to groups - 1.")
    int group;

    @Parameters(index = "1", description = "The voter to lead it, or '-'.")
    String node;

    @Override
    public Integer call() {
      return send(parent, "KEEL.TRANSFER", Integer.toString(group), node);
    }
  }

  /** {@code admin leaders}. */
  @Command(name = "leaders", mixinStandardHelpOptions = true, description = "List each group's leader.")
  static final class Leaders implements Callable<Integer> {
    @ParentCommand
    AdminCommand parent;

    @Override
    public Integer call() {
      return send(parent, "KEEL.LEADERS");
    }
  }
}

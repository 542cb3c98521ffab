package io.keel.kv.server;

import io.keel.kv.resp.RespReply;
import io.keel.raft.NodeId;
import io.keel.raft.runtime.RaftGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Membership and leadership of the service's groups, from any node: each change is made by the
 * group's leader, so a node that does not lead a group hands the change to the leader as
 * {@code KEEL.GROUP <group> <operation> ...} over its client port. A change to every group is made
 * one group after the other, and the answer says which groups refused and why.
 */
public final class ClusterAdmin {

  /** A change to one group's members or leader. */
  public enum Operation {
    /** Add a voter: {@code ADD-VOTER <node> <raft host:port>}. */
    ADD_VOTER,
    /** Add a learner: {@code ADD-LEARNER <node> <raft host:port>}. */
    ADD_LEARNER,
    /** Make a learner a voter: {@code PROMOTE <node>}. */
    PROMOTE,
    /** Remove a member: {@code REMOVE <node>}. */
    REMOVE,
    /** Hand leadership to a voter: {@code TRANSFER <node>}, or {@code TRANSFER -} for the most up-to-date. */
    TRANSFER;

    /** The operation as written in commands, e.g. {@code ADD-VOTER}. */
    public String wireName() {
      return name().replace('_', '-');
    }

    /** The operation written {@code name} (any case), if any. */
    public static Optional<Operation> of(String name) {
      for (Operation operation : values()) {
        if (operation.wireName().equalsIgnoreCase(name)) {
          return Optional.of(operation);
        }
      }
      return Optional.empty();
    }
  }

  private final NodeId self;
  private final List<ShardReplica> replicas;
  private final Forwarder forwarder;
  private final long timeoutMillis;
  private final long catchUpMillis;

  /**
   * @param timeoutMillis how long a change may take, beyond a new member's catch-up
   * @param catchUpMillis how long a node being added as a voter, or promoted, may take to catch up
   */
  ClusterAdmin(NodeId self, List<ShardReplica> replicas, Forwarder forwarder, long timeoutMillis, long catchUpMillis) {
    this.self = self;
    this.replicas = replicas;
    this.forwarder = forwarder;
    this.timeoutMillis = timeoutMillis;
    this.catchUpMillis = catchUpMillis;
  }

  /** How long {@code operation} may take: a new voter's catch-up first, then the change itself. */
  private long timeoutOf(Operation operation) {
    return operation == Operation.ADD_VOTER || operation == Operation.PROMOTE ? catchUpMillis + timeoutMillis
        : timeoutMillis;
  }

  /**
   * Applies {@code operation} to every group in turn; the future holds {@code +OK}, or an error
   * naming each group that refused.
   */
  public CompletableFuture<RespReply> everyGroup(Operation operation, NodeId node, String address) {
    CompletableFuture<List<String>> failures = CompletableFuture.completedFuture(new ArrayList<>());
    for (ShardReplica replica : replicas) {
      failures = failures.thenCompose(list -> inGroup(replica.index(), operation, node, address, true).handle((reply, e) -> {
        if (e != null) {
          list.add("kv-" + replica.index() + ": " + WriteFailure.unwrap(e).getMessage());
        } else if (reply instanceof RespReply.Error error) {
          list.add("kv-" + replica.index() + ": " + error.text());
        }
        return list;
      }));
    }
    return failures.thenApply(list -> list.isEmpty() ? RespReply.OK
        : RespReply.error("ERR " + operation.wireName() + " " + node + " failed in " + list.size() + " of "
            + replicas.size() + " groups: " + String.join("; ", list)));
  }

  /**
   * Applies {@code operation} to group {@code group}, here if this node leads it, else (if
   * {@code mayForward}: a forwarded change is never forwarded again) at its leader; the future holds
   * {@code +OK} or an error reply.
   */
  public CompletableFuture<RespReply> inGroup(int group, Operation operation, NodeId node, String address,
      boolean mayForward) {
    ShardReplica replica = replicas.get(group);
    Optional<NodeId> leader = replica.leader();
    if (leader.isEmpty()) {
      return CompletableFuture.completedFuture(RespReply.error("TRYAGAIN group kv-" + group + " has no leader now"));
    }
    if (!leader.get().equals(self) && !mayForward) {
      return CompletableFuture.completedFuture(RespReply.error("TRYAGAIN " + self + " no longer leads group kv-" + group
          + "; " + leader.get() + " does"));
    }
    if (!leader.get().equals(self)) {
      List<byte[]> args = new ArrayList<>();
      for (String arg : new String[] {"KEEL.GROUP", Integer.toString(group), operation.wireName(),
          node == null ? "-" : node.value()}) {
        args.add(arg.getBytes(StandardCharsets.UTF_8));
      }
      if (address != null) {
        args.add(address.getBytes(StandardCharsets.UTF_8));
      }
      return forwarder.sendAlone(leader.get(), args, Duration.ofMillis(timeoutOf(operation) + timeoutMillis));
    }
    return local(replica.group(), operation, node, address)
        .orTimeout(timeoutOf(operation), TimeUnit.MILLISECONDS)
        .handle((done, e) -> e == null ? RespReply.OK
            : RespReply.error("ERR " + WriteFailure.unwrap(e).getClass().getSimpleName() + ": "
                + WriteFailure.unwrap(e).getMessage()));
  }

  private static CompletableFuture<?> local(RaftGroup<?> group, Operation operation, NodeId node, String address) {
    return switch (operation) {
      case ADD_VOTER -> group.addVoter(node, address);
      case ADD_LEARNER -> group.addLearner(node, address);
      case PROMOTE -> group.promote(node);
      case REMOVE -> group.remove(node);
      case TRANSFER -> group.transferLeadership(node);
    };
  }
}

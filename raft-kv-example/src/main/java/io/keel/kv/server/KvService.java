package io.keel.kv.server;

import io.keel.kv.config.ClientReadMode;
import io.keel.kv.config.WriteForwarding;
import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvResult;
import io.keel.kv.store.KvState;
import io.keel.raft.NodeId;
import io.keel.raft.ReadMode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What the client ports (RESP and HTTP) ask of the node: a write or a read of the group that holds
 * a key, routed as the node's settings say. A write that reaches a follower is forwarded to the
 * leader, or, with {@link WriteForwarding#REDIRECT}, refused with
 * {@code -MOVED <group> <host:port>} naming the leader's client port. Safe to use from any thread.
 */
public final class KvService {

  private final NodeId self;
  private final Shards shards;
  private final List<ShardReplica> replicas;
  private final WriteForwarding forwarding;

  KvService(NodeId self, Shards shards, List<ShardReplica> replicas, WriteForwarding forwarding) {
    this.self = self;
    this.shards = shards;
    this.replicas = List.copyOf(replicas);
    this.forwarding = forwarding;
  }

  /** This node's id. */
  public NodeId self() {
    return self;
  }

  /** How the key space is split over the groups. */
  public Shards shards() {
    return shards;
  }

  /** This node's replicas, by group index. */
  public List<ShardReplica> replicas() {
    return replicas;
  }

  /** The replica of the group that holds {@code key}. */
  public ShardReplica replicaOf(byte[] key) {
    return replicas.get(shards.groupOf(key));
  }

  /**
   * Writes {@code command} in group {@code group} (every key it names must hash there): the future
   * holds its result or fails with a {@link ServiceException}.
   */
  public CompletableFuture<KvResult> write(int group, KvCommand command) {
    return write(group, command, true);
  }

  /**
   * As {@link #write(int, KvCommand)}; a follower forwards the write even in
   * {@link WriteForwarding#REDIRECT} mode unless {@code mayRedirect} (the HTTP API always forwards).
   */
  public CompletableFuture<KvResult> write(int group, KvCommand command, boolean mayRedirect) {
    ShardReplica replica = replicas.get(group);
    if (mayRedirect && forwarding == WriteForwarding.REDIRECT) {
      Optional<NodeId> leader = replica.leader();
      if (leader.isPresent() && !leader.get().equals(self)) {
        return CompletableFuture.failedFuture(new ServiceException(redirect(group, leader.get())));
      }
    }
    return replica.write(command);
  }

  private String redirect(int group, NodeId leader) {
    Optional<KvCommand.Announce> announced = member(leader);
    if (announced.isEmpty() || announced.get().respAddress().isEmpty()) {
      return "TRYAGAIN group " + group + " is led by " + leader + ", which has not announced its client address yet";
    }
    return "MOVED " + group + " " + announced.get().respAddress();
  }

  /**
   * Reads group {@code group}'s store with {@code query}, as {@code mode} says: after a
   * confirmation with the leader, by its lease, or at once from this replica.
   */
  public <T> CompletableFuture<T> read(int group, ClientReadMode mode, Function<KvState, T> query) {
    ShardReplica replica = replicas.get(group);
    return switch (mode) {
      case LINEARIZABLE -> replica.read(ReadMode.READ_INDEX, query);
      case LEASE -> replica.read(ReadMode.LEASE, query);
      case LOCAL -> {
        try {
          yield CompletableFuture.completedFuture(replica.readLocal(query));
        } catch (RuntimeException e) {
          yield CompletableFuture.failedFuture(e);
        }
      }
    };
  }

  /** Where node {@code node} said its clients connect, as far as this node's replica of group 0 knows. */
  public Optional<KvCommand.Announce> member(NodeId node) {
    return replicas.get(0).store().member(node.value());
  }
}

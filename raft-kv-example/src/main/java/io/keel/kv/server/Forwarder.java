package io.keel.kv.server;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import io.keel.kv.store.KvCodec;
import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvResult;
import io.keel.raft.NodeId;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Hands writes to the node that leads their group, over that node's RESP port: the command
 * {@code KEEL.PROPOSE <group> <session command>}, answered with the encoded result or a
 * {@code -KEEL} error ({@link WriteFailure#toWire()}). Where each node's port is comes from what
 * the nodes announced ({@link KvCommand.Announce}). One connection per leader, pipelined.
 */
final class Forwarder implements LeaderLink, AutoCloseable {

  private static final byte[] PROPOSE = "KEEL.PROPOSE".getBytes(StandardCharsets.US_ASCII);

  private final EventLoopGroup loops;
  private final Function<NodeId, Optional<KvCommand.Announce>> directory;
  private final KvCodec codec;
  private final Duration connectTimeout;
  private final Map<NodeId, CompletableFuture<RespClient>> clients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  Forwarder(EventLoopGroup loops, Function<NodeId, Optional<KvCommand.Announce>> directory, KvCodec codec,
      Duration connectTimeout) {
    this.loops = loops;
    this.directory = directory;
    this.codec = codec;
    this.connectTimeout = connectTimeout;
  }

  @Override
  public CompletableFuture<KvResult> propose(NodeId leader, int group, byte[] envelope) {
    return send(leader, List.of(PROPOSE, Integer.toString(group).getBytes(StandardCharsets.US_ASCII), envelope))
        .thenApply(this::result);
  }

  /**
   * Sends the command {@code args} to {@code node}'s client port; the future fails with a
   * {@link WriteFailure#kind() REFUSED} failure if it could not be sent, and with an
   * {@link java.io.IOException} if the connection closed before the reply.
   */
  CompletableFuture<RespReply> send(NodeId node, List<byte[]> args) {
    return client(node).thenCompose(client -> client.send(args));
  }

  private KvResult result(RespReply reply) {
    if (reply instanceof RespReply.Bulk bulk) {
      return bulk.bytes() == null ? null : codec.decodeResult(bulk.bytes());
    }
    if (reply instanceof RespReply.Error error) {
      throw WriteFailure.fromWire(error.text());
    }
    throw new WriteFailure(WriteFailure.Kind.UNCERTAIN, "the leader answered a forwarded write with " + reply, null);
  }

  private CompletableFuture<RespClient> client(NodeId leader) {
    return clients.compute(leader, (id, existing) -> usable(existing) ? existing : connect(id));
  }

  private static boolean usable(CompletableFuture<RespClient> client) {
    return client != null && (!client.isDone() || (!client.isCompletedExceptionally() && client.join().isOpen()));
  }

  /** Connects to {@code leader}'s client port (without blocking); a failed future if that cannot be tried. */
  private CompletableFuture<RespClient> connect(NodeId leader) {
    Optional<InetSocketAddress> address = directory.apply(leader).flatMap(member -> Addresses.parse(member.respAddress()));
    if (address.isEmpty() || closed) {
      return CompletableFuture.failedFuture(new WriteFailure(WriteFailure.Kind.REFUSED,
          closed ? "the node is stopping" : "leader " + leader + " has not announced its client address yet", null));
    }
    return RespClient.connect(loops, address.get(), connectTimeout).exceptionallyCompose(failure ->
        CompletableFuture.failedFuture(new WriteFailure(WriteFailure.Kind.REFUSED, "cannot reach leader " + leader
            + " at " + address.get() + ": " + WriteFailure.unwrap(failure).getMessage(), null)));
  }

  @Override
  public void close() {
    closed = true;
    clients.values().forEach(client -> client.thenAccept(RespClient::close));
    clients.clear();
  }
}

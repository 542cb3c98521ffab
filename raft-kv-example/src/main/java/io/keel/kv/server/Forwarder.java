package io.keel.kv.server;

import io.keel.kv.resp.RespClient;
import io.keel.kv.resp.RespReply;
import io.keel.kv.store.KvCodec;
import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvResult;
import io.keel.raft.NodeId;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Hands writes to the node that leads their group, over that node's RESP port: the command
 * {@code KEEL.PROPOSE <group> <session command>...}, answered with an array holding, for each
 * session command, its encoded result or a {@code -KEEL} error ({@link WriteFailure#toWire()}).
 * The writes handed to one leader for one group in one burst (a client's pipeline, say) travel as
 * one such command, of at most {@link #MAX_BATCH} writes and about {@link #MAX_BATCH_BYTES}. Where each node's port is comes from what the
 * nodes announced ({@link KvCommand.Announce}). One connection per leader, pipelined.
 */
final class Forwarder implements LeaderLink, AutoCloseable {

  private static final byte[] PROPOSE = "KEEL.PROPOSE".getBytes(StandardCharsets.US_ASCII);

  private final EventLoopGroup loops;
  private final Function<NodeId, Optional<KvCommand.Announce>> directory;
  private final KvCodec codec;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  /** The most writes one forwarding command carries. */
  static final int MAX_BATCH = 1024;
  /** The bytes of session commands past which a forwarding command takes no more (it takes one at least). */
  static final long MAX_BATCH_BYTES = 4 << 20;

  private final Map<NodeId, CompletableFuture<RespClient>> clients = new ConcurrentHashMap<>();
  private final Map<BatchKey, Batch> batches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  Forwarder(EventLoopGroup loops, Function<NodeId, Optional<KvCommand.Announce>> directory, KvCodec codec,
      Duration connectTimeout, Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    this.loops = loops;
    this.directory = directory;
    this.codec = codec;
    this.connectTimeout = connectTimeout;
  }

  @Override
  public CompletableFuture<KvResult> propose(NodeId leader, int group, byte[] envelope) {
    Batch batch = batches.computeIfAbsent(new BatchKey(leader, group), key -> new Batch(key, loops.next()));
    CompletableFuture<KvResult> result = new CompletableFuture<>();
    boolean schedule;
    synchronized (batch) {
      batch.envelopes.add(envelope);
      batch.waiting.add(result);
      schedule = !batch.scheduled;
      batch.scheduled = true;
    }
    if (schedule) {
      batch.loop.execute(batch::flush); // after the burst that is being handled now
    }
    return result;
  }

  /** Whom a batch goes to. */
  private record BatchKey(NodeId leader, int group) {}

  /** The writes waiting to be handed to one leader in one group. */
  private final class Batch {
    final BatchKey key;
    final EventExecutor loop;
    List<byte[]> envelopes = new ArrayList<>();
    List<CompletableFuture<KvResult>> waiting = new ArrayList<>();
    boolean scheduled;

    Batch(BatchKey key, EventExecutor loop) {
      this.key = key;
      this.loop = loop;
    }

    void flush() {
      List<byte[]> sending;
      List<CompletableFuture<KvResult>> answering;
      synchronized (this) {
        sending = envelopes;
        answering = waiting;
        envelopes = new ArrayList<>();
        waiting = new ArrayList<>();
        scheduled = false;
      }
      byte[] group = Integer.toString(key.group()).getBytes(StandardCharsets.US_ASCII);
      for (int from = 0, to; from < sending.size(); from = to) {
        long bytes = 0;
        for (to = from; to < sending.size() && to - from < MAX_BATCH && (to == from || bytes < MAX_BATCH_BYTES); to++) {
          bytes += sending.get(to).length;
        }
        List<byte[]> args = new ArrayList<>(to - from + 2);
        args.add(PROPOSE);
        args.add(group);
        args.addAll(sending.subList(from, to));
        List<CompletableFuture<KvResult>> answers = answering.subList(from, to);
        send(key.leader(), args, requestTimeout).whenComplete((reply, failure) -> answer(answers, reply, failure));
      }
    }
  }

  private void answer(List<CompletableFuture<KvResult>> answers, RespReply reply, Throwable failure) {
    if (failure != null) {
      answers.forEach(answer -> answer.completeExceptionally(failure));
      return;
    }
    if (!(reply instanceof RespReply.Array array) || array.elements() == null
        || array.elements().size() != answers.size()) {
      WriteFailure odd = reply instanceof RespReply.Error error ? WriteFailure.fromWire(error.text())
          : new WriteFailure(WriteFailure.Kind.UNCERTAIN, "the leader answered forwarded writes with " + reply, null);
      answers.forEach(answer -> answer.completeExceptionally(odd));
      return;
    }
    for (int i = 0; i < answers.size(); i++) {
      try {
        answers.get(i).complete(result(array.elements().get(i)));
      } catch (RuntimeException e) {
        answers.get(i).completeExceptionally(e);
      }
    }
  }

  /**
   * Sends the command {@code args} to {@code node}'s client port; the future fails with a
   * {@link WriteFailure#kind() REFUSED} failure if it could not be sent, with an
   * {@link java.io.IOException} if the connection closed before the reply, and with a
   * {@link TimeoutException} if no reply came within {@code timeout}. A connection that let a
   * request time out is closed (TCP may be backing off its retransmissions for minutes after a
   * lossy spell): the next request dials afresh.
   */
  CompletableFuture<RespReply> send(NodeId node, List<byte[]> args, Duration timeout) {
    return client(node).thenCompose(client -> client.send(args).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((reply, failure) -> {
          if (failure != null && WriteFailure.unwrap(failure) instanceof TimeoutException) {
            client.closeAsync();
          }
        }));
  }

  /**
   * Sends the command {@code args} to {@code node}'s client port on a connection of its own, closed
   * after the reply: a request that may take long (a membership change, which first waits for a new
   * member to catch up) must not hold up the forwarded writes behind it on the shared connection,
   * whose replies come in order. Fails as {@link #send} does.
   */
  CompletableFuture<RespReply> sendAlone(NodeId node, List<byte[]> args, Duration timeout) {
    return connect(node).thenCompose(client -> client.send(args).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((reply, failure) -> client.closeAsync()));
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

package io.keel.kv.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: runs its requests and writes the replies in request order, flushing once
 * per burst of replies that are ready. Consecutive writes run at once, without waiting for one
 * another, so pipelined writes reach the group together and are appended as one batch; so do
 * consecutive reads. A read waits for the connection's writes before it to be answered, and a
 * write for the reads before it, so that a connection reads its own writes and never a later one.
 * While too many replies are outstanding the connection stops reading, so a client cannot make the
 * node hold an unbounded backlog. Input that is no RESP closes the connection with a logged reason;
 * nothing else is touched.
 */
final class RespConnection extends SimpleChannelInboundHandler<RedisMessage> {

  private static final Logger LOG = LoggerFactory.getLogger(RespConnection.class);
  /** Replies outstanding at which the connection stops reading. */
  static final int MAX_OUTSTANDING = 1024;

  private final RespCommands commands;
  private final RespStats stats;
  private final ClientState state;
  private final ArrayDeque<CompletableFuture<RespReply>> replies = new ArrayDeque<>();
  private ChannelHandlerContext context;
  /** The run of consecutive reads or writes that requests join now. */
  private Run run = new Run(RespCommands.Kind.OTHER, CompletableFuture.completedFuture(null));

  /** Consecutive requests of one kind; a run of the other kind starts when this one has ended. Event loop only. */
  private static final class Run {
    final RespCommands.Kind kind;
    final CompletableFuture<Void> start;
    final CompletableFuture<Void> end = new CompletableFuture<>();
    int outstanding;
    boolean closed;

    Run(RespCommands.Kind kind, CompletableFuture<Void> start) {
      this.kind = kind;
      this.start = start;
    }

    void finishedOne() {
      outstanding--;
      endIfDone();
    }

    void close() {
      closed = true;
      endIfDone();
    }

    private void endIfDone() {
      if (closed && outstanding == 0) {
        end.complete(null);
      }
    }
  }

  RespConnection(RespCommands commands, RespStats stats, ClientState state) {
    this.commands = commands;
    this.stats = stats;
    this.state = state;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    context = ctx;
    super.channelActive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, RedisMessage message) {
    if (state.quitting) {
      return; // after QUIT, nothing more is read
    }
    List<byte[]> args = arguments(message);
    CompletableFuture<RespReply> reply;
    if (args == null) {
      reply = CompletableFuture.completedFuture(RespReply.error("ERR Protocol error: a request is an array of bulk strings"));
    } else if (args.isEmpty()) {
      return; // an empty inline line, as redis-server ignores it
    } else {
      reply = inOrder(ctx, args);
    }
    replies.add(reply);
    if (!reply.isDone()) {
      reply.whenComplete((done, failure) -> ctx.executor().execute(this::drain));
    }
    if (replies.size() >= MAX_OUTSTANDING && ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(false);
      stats.countPausedReading();
    }
  }

  /** Runs the request once the run before its own has ended (at once, for a request that neither reads nor writes). */
  private CompletableFuture<RespReply> inOrder(ChannelHandlerContext ctx, List<byte[]> args) {
    RespCommands.Spec spec = commands.lookup(args);
    RespCommands.Kind kind = spec == null ? RespCommands.Kind.OTHER : spec.kind();
    if (kind == RespCommands.Kind.OTHER) {
      return commands.execute(spec, state, args);
    }
    if (kind != run.kind) {
      Run previous = run;
      run = new Run(kind, previous.end);
      previous.close();
    }
    Run joined = run;
    joined.outstanding++;
    CompletableFuture<RespReply> reply = joined.start.isDone() ? commands.execute(spec, state, args)
        : joined.start.thenComposeAsync(ready -> commands.execute(spec, state, args), ctx.executor());
    reply.whenComplete((done, failure) -> {
      if (ctx.executor().inEventLoop()) {
        joined.finishedOne();
      } else {
        ctx.executor().execute(joined::finishedOne);
      }
    });
    return reply;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    drain();
    ctx.fireChannelReadComplete();
  }

  /** Writes every reply that is ready, in order, then flushes once. */
  private void drain() {
    boolean wrote = false;
    while (!replies.isEmpty() && replies.peek().isDone()) {
      RespReply reply = replies.poll().join(); // RespCommands never fails a future
      context.write(reply.toRedis(), context.voidPromise());
      wrote = true;
    }
    if (!wrote) {
      return;
    }
    if (state.quitting && replies.isEmpty()) {
      context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    context.flush();
    if (!context.channel().config().isAutoRead() && replies.size() < MAX_OUTSTANDING / 2) {
      context.channel().config().setAutoRead(true);
    }
  }

  /** The request's arguments, or null if it is no array of bulk strings. */
  private static List<byte[]> arguments(RedisMessage message) {
    if (message instanceof InlineCommandRedisMessage inline) {
      List<byte[]> args = new ArrayList<>();
      for (String word : inline.content().trim().split("\\s+")) {
        if (!word.isEmpty()) {
          args.add(word.getBytes(StandardCharsets.UTF_8));
        }
      }
      return args;
    }
    if (!(message instanceof ArrayRedisMessage array) || array.isNull() || array.children().isEmpty()) {
      return null;
    }
    List<byte[]> args = new ArrayList<>(array.children().size());
    for (RedisMessage child : array.children()) {
      if (child == RequestGuard.OVERSIZED) {
        args.add(RespCommands.OVERSIZED_ARGUMENT);
      } else if (child instanceof FullBulkStringRedisMessage bulk && !bulk.isNull()) {
        ByteBuf content = bulk.content();
        args.add(ByteBufUtil.getBytes(content, content.readerIndex(), content.readableBytes(), false));
      } else {
        return null;
      }
    }
    return args;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stats.disconnected();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      LOG.debug("client connection {} failed: {}", state.id, cause.toString()); // the client went away
      ctx.close();
      return;
    }
    stats.countRefusedInput();
    LOG.warn("closing client connection {} from {}: {}", state.id, ctx.channel().remoteAddress(), reason(cause));
    ctx.close();
  }

  private static String reason(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}

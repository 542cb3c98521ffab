package io.keel.kv.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.kv.config.ClientReadMode;
import io.keel.kv.server.KvNode;
import io.keel.kv.server.KvService;
import io.keel.kv.server.ServiceException;
import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvResult;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP/JSON API of a node:
 *
 * <ul>
 *   <li>{@code GET /kv/{key}[?read=linearizable|lease|local]}: 200 {@code {"key":..,"value":..}}
 *       (a value that is no UTF-8 text comes as {@code "valueBase64"}), or 404;
 *   <li>{@code PUT /kv/{key}[?if=absent|present]}, the value as the body: 200 {@code {"ok":true}}, or
 *       412 when the condition did not hold;
 *   <li>{@code DELETE /kv/{key}}: 200 {@code {"deleted":1}} (0 if it was absent);
 *   <li>{@code GET /status}: this node's view of the groups, as JSON;
 *   <li>{@code GET /metrics}: Prometheus text format ({@link KvMetrics}).
 * </ul>
 *
 * Any node takes writes: a follower forwards them to the leader (also with
 * {@code write-forwarding = redirect}, which is for RESP clients). Errors are JSON
 * {@code {"error":..}}: 400 for a bad request, 503 ({@code TRYAGAIN}) when no leader took it in
 * time, 504 when the write's outcome is unknown.
 */
public final class HttpApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KvNode node;
  private final KvMetrics metrics;

  /** The API of {@code node}, whose requests {@code metrics} counts. */
  public HttpApi(KvNode node, KvMetrics metrics) {
    this.node = node;
    this.metrics = metrics;
  }

  /** A handler for one connection. */
  ChannelHandler handler() {
    return new Handler();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      long start = System.nanoTime();
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      QueryStringDecoder uri = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8);
      String path = uri.path();
      String command = command(request.method(), path);
      CompletableFuture<FullHttpResponse> response;
      try {
        response = route(request, uri, path);
      } catch (ServiceException e) {
        response = CompletableFuture.completedFuture(error(e));
      } catch (RuntimeException e) {
        response = CompletableFuture.completedFuture(json(HttpResponseStatus.BAD_REQUEST, Map.of("error", "ERR " + e.getMessage())));
      }
      response.exceptionally(failure -> failure.getCause() instanceof ServiceException service ? error(service)
              : json(HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", "ERR " + failure.getMessage())))
          .thenAccept(answer -> ctx.executor().execute(() -> {
            HttpUtil.setKeepAlive(answer, keepAlive);
            HttpUtil.setContentLength(answer, answer.content().readableBytes());
            int code = answer.status().code();
            metrics.answered("http", command, code < 400 ? "ok" : Integer.toString(code), System.nanoTime() - start);
            ctx.writeAndFlush(answer);
          }));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static String command(HttpMethod method, String path) {
    if (path.startsWith("/kv/")) {
      return method.name().toLowerCase(Locale.ROOT);
    }
    return path.equals("/status") || path.equals("/metrics") ? path.substring(1) : "unknown";
  }

  private CompletableFuture<FullHttpResponse> route(FullHttpRequest request, QueryStringDecoder uri, String path) {
    KvService service = node.service();
    if (path.startsWith("/kv/") && path.length() > 4) {
      byte[] key = path.substring(4).getBytes(StandardCharsets.UTF_8);
      int group = service.shards().groupOf(key);
      if (request.method().equals(HttpMethod.GET)) {
        ClientReadMode mode = readMode(uri);
        return service.read(group, mode, store -> store.get(key)).thenApply(value -> value == null
            ? json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no such key", "key", path.substring(4)))
            : json(HttpResponseStatus.OK, valueJson(path.substring(4), value)));
      }
      if (request.method().equals(HttpMethod.PUT)) {
        byte[] value = ByteBufUtil.getBytes(request.content());
        KvCommand.Condition condition = condition(uri);
        return service.write(group, new KvCommand.Set(key, value, condition), false).thenApply(result ->
            result instanceof KvResult.Ok ? json(HttpResponseStatus.OK, Map.of("ok", true))
                : json(HttpResponseStatus.PRECONDITION_FAILED, Map.of("ok", false, "error", "the condition did not hold")));
      }
      if (request.method().equals(HttpMethod.DELETE)) {
        return service.write(group, new KvCommand.Delete(List.of(key)), false).thenApply(result ->
            json(HttpResponseStatus.OK, Map.of("deleted", ((KvResult.Number) result).value())));
      }
      return done(json(HttpResponseStatus.METHOD_NOT_ALLOWED, Map.of("error", "use GET, PUT or DELETE on /kv/{key}")));
    }
    if (path.equals("/status") && request.method().equals(HttpMethod.GET)) {
      return done(json(HttpResponseStatus.OK, NodeStatus.of(node)));
    }
    if (path.equals("/metrics") && request.method().equals(HttpMethod.GET)) {
      return done(metricsResponse());
    }
    return done(json(HttpResponseStatus.NOT_FOUND, Map.of("error", "no such resource: GET/PUT/DELETE /kv/{key}, GET "
        + "/status, GET /metrics")));
  }

  private static ClientReadMode readMode(QueryStringDecoder uri) {
    List<String> read = uri.parameters().get("read");
    if (read == null) {
      return ClientReadMode.LINEARIZABLE;
    }
    try {
      return ClientReadMode.valueOf(read.get(0).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ServiceException("ERR read must be linearizable, lease or local");
    }
  }

  private static KvCommand.Condition condition(QueryStringDecoder uri) {
    List<String> condition = uri.parameters().get("if");
    if (condition == null) {
      return KvCommand.Condition.ALWAYS;
    }
    return switch (condition.get(0)) {
      case "absent" -> KvCommand.Condition.IF_ABSENT;
      case "present" -> KvCommand.Condition.IF_PRESENT;
      default -> throw new ServiceException("ERR if must be absent or present");
    };
  }

  private static Map<String, Object> valueJson(String key, byte[] value) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("key", key);
    try {
      json.put("value", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString());
    } catch (CharacterCodingException e) {
      json.put("valueBase64", Base64.getEncoder().encodeToString(value));
    }
    return json;
  }

  private FullHttpResponse error(ServiceException e) {
    HttpResponseStatus status = switch (e.code()) {
      case "TRYAGAIN" -> HttpResponseStatus.SERVICE_UNAVAILABLE;
      case "UNKNOWN" -> HttpResponseStatus.GATEWAY_TIMEOUT;
      default -> HttpResponseStatus.BAD_REQUEST;
    };
    return json(status, Map.of("error", e.getMessage()));
  }

  private FullHttpResponse metricsResponse() {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    try (ByteBufOutputStream out = new ByteBufOutputStream(response.content())) {
      metrics.scrape(out);
    } catch (IOException e) {
      response.release();
      return json(HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", "ERR " + e.getMessage()));
    }
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, KvMetrics.contentType());
    return response;
  }

  private static FullHttpResponse json(HttpResponseStatus status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    return response;
  }

  private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}

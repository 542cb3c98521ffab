package io.keel.kv.resp;

import io.keel.kv.server.ClusterAdmin;
import io.keel.kv.server.KvService;
import io.keel.kv.server.RequestMetrics;
import io.keel.kv.server.ServiceException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The commands of the RESP port, by name, each with its arity (as Redis counts it: positive for
 * exactly that many words, negative for at least) and key positions, which {@code COMMAND}
 * reports. Runs one request: checks its name, arity and argument sizes, and turns every failure
 * into an error reply, so that the future it returns never fails.
 */
public final class RespCommands {

  /** Stands for an argument above the size limit (compared by identity). */
  static final byte[] OVERSIZED_ARGUMENT = new byte[0];

  /** How one command runs. */
  @FunctionalInterface
  interface Handler {
    CompletableFuture<RespReply> run(ClientState client, List<byte[]> args);
  }

  /**
   * A command: its name, arity, flags and key positions, as {@code COMMAND} lists them, how it
   * runs, and what it does to the store (from its flags).
   */
  record Spec(String name, int arity, List<String> flags, int firstKey, int lastKey, int step, Handler handler,
      Kind kind) {}

  private final Map<String, Spec> specs = new LinkedHashMap<>();
  private final RequestMetrics metrics;
  private final long maxArgumentBytes;
  private final RespStats stats = new RespStats();

  /** The commands of a node serving {@code service}, administered through {@code admin}. */
  public RespCommands(KvService service, ClusterAdmin admin, RequestMetrics metrics, long maxArgumentBytes) {
    this.metrics = metrics;
    this.maxArgumentBytes = maxArgumentBytes;
    new DataCommands(service).register(this);
    new ServerCommands(service, admin, this).register(this);
  }

  void add(String name, int arity, String flags, int firstKey, int lastKey, int step, Handler handler) {
    List<String> flagList = flags.isEmpty() ? List.of() : List.of(flags.split(" "));
    Kind kind = flagList.contains("write") ? Kind.WRITE : flagList.contains("readonly") ? Kind.READ : Kind.OTHER;
    specs.put(name, new Spec(name, arity, flagList, firstKey, lastKey, step, handler, kind));
  }

  /** Every command, in the order they were added. */
  Collection<Spec> specs() {
    return Collections.unmodifiableCollection(specs.values());
  }

  /** The command named {@code name} (lower case), or null. */
  Spec spec(String name) {
    return specs.get(name);
  }

  /** Whether a request reads the store, writes it, or neither, for {@link RespConnection}'s ordering. */
  enum Kind { READ, WRITE, OTHER }

  /** The command {@code args} (a request of at least one word) names, or null for an unknown one. */
  Spec lookup(List<byte[]> args) {
    return specs.get(new String(args.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
  }

  /** The port's counters. */
  public RespStats stats() {
    return stats;
  }

  /**
   * Runs one request, {@code spec} being what {@link #lookup} found for it; the future holds its
   * reply, an error reply for any failure.
   */
  CompletableFuture<RespReply> execute(Spec spec, ClientState client, List<byte[]> args) {
    long start = System.nanoTime();
    CompletableFuture<RespReply> reply;
    if (spec == null) {
      reply = CompletableFuture.completedFuture(RespReply.error(unknown(args)));
    } else if (spec.arity() > 0 ? args.size() != spec.arity() : args.size() < -spec.arity()) {
      reply = CompletableFuture.completedFuture(RespReply.error("ERR wrong number of arguments for '" + spec.name()
          + "' command"));
    } else if (args.contains(OVERSIZED_ARGUMENT)) { // arrays are equal only to themselves
      reply = CompletableFuture.completedFuture(RespReply.error("ERR an argument longer than " + maxArgumentBytes
          + " bytes, the limit of this node"));
    } else {
      reply = run(spec, client, args);
    }
    String command = spec == null ? "unknown" : spec.name(); // the spec's own string: its hash is kept
    return reply.handle((answer, failure) -> {
      RespReply result = failure == null ? answer : RespReply.error(errorText(failure));
      String outcome = result instanceof RespReply.Error error ? error.code().toLowerCase(Locale.ROOT) : "ok";
      metrics.answered("resp", command, outcome, System.nanoTime() - start);
      return result;
    });
  }

  private static CompletableFuture<RespReply> run(Spec spec, ClientState client, List<byte[]> args) {
    try {
      return spec.handler().run(client, args);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The error reply's text for a failure: a {@link ServiceException}'s own, else {@code ERR} and the message. */
  static String errorText(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ServiceException service) {
      return service.getMessage();
    }
    return "ERR " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
  }

  private static String unknown(List<byte[]> args) {
    StringBuilder text = new StringBuilder("ERR unknown command '")
        .append(printable(args.get(0))).append("', with args beginning with: ");
    for (int i = 1; i < Math.min(args.size(), 4); i++) {
      text.append('\'').append(printable(args.get(i))).append("' ");
    }
    return text.toString();
  }

  /** Up to 64 characters of {@code arg}, for an error message (which cannot hold line breaks). */
  static String printable(byte[] arg) {
    String text = new String(arg, 0, Math.min(arg.length, 64), StandardCharsets.UTF_8);
    return text.replaceAll("[\\r\\n]", " ");
  }

  /** {@code args.get(i)} as UTF-8 text. */
  static String text(List<byte[]> args, int i) {
    return new String(args.get(i), StandardCharsets.UTF_8);
  }

  /** Every argument from {@code from} on. */
  static List<byte[]> from(List<byte[]> args, int from) {
    return new ArrayList<>(args.subList(from, args.size()));
  }
}

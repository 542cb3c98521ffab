package io.keel.kv.resp;

import static io.keel.kv.resp.RespCommands.text;

import io.keel.kv.server.KvService;
import io.keel.kv.server.ServiceException;
import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvResult;
import io.keel.kv.store.KvState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The key-value commands: reads served as the connection's read mode says, writes through the
 * group that holds the key. A command that writes several keys must find them in one group (use
 * hash tags, <code>{...}</code>): otherwise it is refused with {@code -CROSSSLOT}, since it could
 * not apply atomically. MGET and EXISTS over several groups are answered group by group: each key
 * is read linearizably, but the keys are not read at one instant.
 */
final class DataCommands {

  private final KvService service;

  DataCommands(KvService service) {
    this.service = service;
  }

  void register(RespCommands commands) {
    commands.add("get", 2, "readonly fast", 1, 1, 1, (c, a) -> read(c, a.get(1), store -> bulk(store.get(a.get(1)))));
    commands.add("strlen", 2, "readonly fast", 1, 1, 1, (c, a) -> read(c, a.get(1), store -> {
      byte[] value = store.get(a.get(1));
      return new RespReply.Integer(value == null ? 0 : value.length);
    }));
    commands.add("exists", -2, "readonly fast", 1, -1, 1, this::exists);
    commands.add("mget", -2, "readonly fast", 1, -1, 1, this::mget);
    commands.add("set", -3, "write denyoom", 1, 1, 1, this::set);
    commands.add("del", -2, "write", 1, -1, 1, (c, a) -> {
      List<byte[]> keys = RespCommands.from(a, 1);
      return write(group(keys), new KvCommand.Delete(keys));
    });
    commands.add("incr", 2, "write denyoom fast", 1, 1, 1, (c, a) -> incrBy(a.get(1), 1));
    commands.add("decr", 2, "write denyoom fast", 1, 1, 1, (c, a) -> incrBy(a.get(1), -1));
    commands.add("incrby", 3, "write denyoom fast", 1, 1, 1, (c, a) -> incrBy(a.get(1), integer(a.get(2), false)));
    commands.add("decrby", 3, "write denyoom fast", 1, 1, 1, (c, a) -> incrBy(a.get(1), integer(a.get(2), true)));
    commands.add("append", 3, "write denyoom fast", 1, 1, 1, (c, a) ->
        write(service.shards().groupOf(a.get(1)), new KvCommand.Append(a.get(1), a.get(2))));
    commands.add("mset", -3, "write denyoom", 1, -1, 2, this::mset);
    commands.add("cas", 4, "write denyoom fast", 1, 1, 1, (c, a) ->
        write(service.shards().groupOf(a.get(1)), new KvCommand.CompareAndSet(a.get(1), a.get(2), a.get(3)))
            .thenApply(reply -> reply == RespReply.NULL ? new RespReply.Integer(0) : new RespReply.Integer(1)));
    commands.add("dbsize", 1, "readonly fast", 0, 0, 0, this::dbsize);
  }

  private CompletableFuture<RespReply> read(ClientState client, byte[] key,
      Function<KvState, RespReply> query) {
    return service.read(service.shards().groupOf(key), client.readMode, query);
  }

  private CompletableFuture<RespReply> write(int group, KvCommand command) {
    return service.write(group, command).thenApply(DataCommands::reply);
  }

  /** A write's result as RESP: OK, nil when its condition did not hold, an integer, or its error. */
  static RespReply reply(KvResult result) {
    if (result instanceof KvResult.Ok) {
      return RespReply.OK;
    }
    if (result instanceof KvResult.NotApplied) {
      return RespReply.NULL;
    }
    if (result instanceof KvResult.Number number) {
      return new RespReply.Integer(number.value());
    }
    if (result instanceof KvResult.Failure failure) {
      return RespReply.error(failure.message());
    }
    return RespReply.error("ERR the write applied without a result");
  }

  private static RespReply bulk(byte[] value) {
    return new RespReply.Bulk(value);
  }

  private CompletableFuture<RespReply> set(ClientState client, List<byte[]> args) {
    KvCommand.Condition condition = KvCommand.Condition.ALWAYS;
    for (int i = 3; i < args.size(); i++) {
      String option = text(args, i).toUpperCase(Locale.ROOT);
      switch (option) {
        case "NX", "XX" -> {
          KvCommand.Condition wanted = option.equals("NX") ? KvCommand.Condition.IF_ABSENT
              : KvCommand.Condition.IF_PRESENT;
          if (condition != KvCommand.Condition.ALWAYS && condition != wanted) {
            throw new ServiceException("ERR syntax error");
          }
          condition = wanted;
        }
        case "KEEPTTL" -> { } // no key has a time to live: keeping it changes nothing
        case "EX", "PX", "EXAT", "PXAT" -> throw new ServiceException("ERR " + option + " is not supported: keys do not"
            + " expire in this service, since expiry has no meaning every replica would agree on");
        case "GET" -> throw new ServiceException("ERR SET ... GET is not supported: read with GET, or use CAS");
        default -> throw new ServiceException("ERR syntax error");
      }
    }
    return write(service.shards().groupOf(args.get(1)), new KvCommand.Set(args.get(1), args.get(2), condition));
  }

  private CompletableFuture<RespReply> incrBy(byte[] key, long delta) {
    return write(service.shards().groupOf(key), new KvCommand.IncrBy(key, delta));
  }

  private static long integer(byte[] arg, boolean negate) {
    try {
      long value = Long.parseLong(new String(arg, StandardCharsets.US_ASCII));
      return negate ? Math.negateExact(value) : value;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ServiceException("ERR value is not an integer or out of range");
    }
  }

  private CompletableFuture<RespReply> mset(ClientState client, List<byte[]> args) {
    if (args.size() % 2 != 1) {
      throw new ServiceException("ERR wrong number of arguments for 'mset' command");
    }
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = 1; i < args.size(); i += 2) {
      keys.add(args.get(i));
      values.add(args.get(i + 1));
    }
    return write(group(keys), new KvCommand.MultiSet(keys, values));
  }

  /** The one group all of {@code keys} hash to. */
  private int group(List<byte[]> keys) {
    int group = service.shards().groupOf(keys.get(0));
    for (byte[] key : keys) {
      if (service.shards().groupOf(key) != group) {
        throw new ServiceException("CROSSSLOT Keys in request don't hash to the same group: a write of several"
            + " keys applies atomically only within one group (use hash tags, e.g. {user42}:name)");
      }
    }
    return group;
  }

  private CompletableFuture<RespReply> exists(ClientState client, List<byte[]> args) {
    List<CompletableFuture<RespReply>> each = new ArrayList<>();
    for (byte[] key : RespCommands.from(args, 1)) {
      each.add(read(client, key, store -> new RespReply.Integer(store.exists(key) ? 1 : 0)));
    }
    return sum(each);
  }

  private CompletableFuture<RespReply> mget(ClientState client, List<byte[]> args) {
    List<CompletableFuture<RespReply>> each = new ArrayList<>();
    for (byte[] key : RespCommands.from(args, 1)) {
      each.add(read(client, key, store -> bulk(store.get(key))));
    }
    return all(each).thenApply(RespReply.Array::new);
  }

  private CompletableFuture<RespReply> dbsize(ClientState client, List<byte[]> args) {
    List<CompletableFuture<RespReply>> each = new ArrayList<>();
    for (int group = 0; group < service.shards().count(); group++) {
      each.add(service.read(group, client.readMode, store -> new RespReply.Integer(store.size())));
    }
    return sum(each);
  }

  /** The sum of integer replies. */
  private static CompletableFuture<RespReply> sum(List<CompletableFuture<RespReply>> each) {
    return all(each).thenApply(replies -> {
      long count = 0;
      for (RespReply reply : replies) {
        count += ((RespReply.Integer) reply).value();
      }
      return new RespReply.Integer(count);
    });
  }

  /** Every reply, in order, once all have come. */
  static CompletableFuture<List<RespReply>> all(List<CompletableFuture<RespReply>> each) {
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<RespReply> replies = new ArrayList<>(each.size());
      each.forEach(future -> replies.add(future.join()));
      return replies;
    });
  }
}

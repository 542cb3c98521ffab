package io.keel.kv.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A RESP2 reply as plain Java values, owning no buffers: what the service's commands answer and what
 * {@link RespClient} hands back. {@link #toRedis()} and {@link #of(RedisMessage)} convert to and
 * from Netty's messages.
 */
public sealed interface RespReply {

  /** {@code +OK}. */
  RespReply OK = new Simple("OK");
  /** The null bulk string, {@code $-1}: a missing value. */
  RespReply NULL = new Bulk(null);

  /** A status reply such as {@code +OK} or {@code +PONG}. */
  record Simple(String text) implements RespReply {
    /** Checks the text. */
    public Simple {
      Objects.requireNonNull(text, "text");
    }
  }

  /** An error reply, {@code -CODE message}: the first word is its code, as Redis uses them. */
  record Error(String text) implements RespReply {
    /** Checks the text. */
    public Error {
      Objects.requireNonNull(text, "text");
    }

    /** The error's first word, such as {@code ERR}, {@code MOVED} or {@code TRYAGAIN}. */
    public String code() {
      int space = text.indexOf(' ');
      return space < 0 ? text : text.substring(0, space);
    }
  }

  /** An integer reply. */
  record Integer(long value) implements RespReply {}

  /** A bulk string; null bytes stand for the null bulk string. */
  record Bulk(byte[] bytes) implements RespReply {
    /** The bytes as UTF-8 text, or null. */
    public String text() {
      return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Bulk that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Bulk[" + text() + "]";
    }
  }

  /** An array of replies; null elements list stands for the null array. */
  record Array(List<RespReply> elements) implements RespReply {
    /** Copies the elements. */
    public Array {
      elements = elements == null ? null : List.copyOf(elements);
    }
  }

  /** An error reply with {@code text}. */
  static RespReply error(String text) {
    return new Error(text);
  }

  /** A bulk string of {@code text} in UTF-8. */
  static RespReply bulk(String text) {
    return new Bulk(text.getBytes(StandardCharsets.UTF_8));
  }

  /** This reply as a Netty message, its buffers wrapping this reply's bytes. */
  default RedisMessage toRedis() {
    if (this instanceof Simple simple) {
      return new SimpleStringRedisMessage(simple.text());
    }
    if (this instanceof Error error) {
      return new ErrorRedisMessage(error.text());
    }
    if (this instanceof Integer integer) {
      return new IntegerRedisMessage(integer.value());
    }
    if (this instanceof Bulk bulk) {
      return bulk.bytes() == null ? FullBulkStringRedisMessage.NULL_INSTANCE
          : new FullBulkStringRedisMessage(Unpooled.wrappedBuffer(bulk.bytes()));
    }
    List<RespReply> elements = ((Array) this).elements();
    if (elements == null) {
      return ArrayRedisMessage.NULL_INSTANCE;
    }
    List<RedisMessage> children = new ArrayList<>(elements.size());
    for (RespReply element : elements) {
      children.add(element.toRedis());
    }
    return new ArrayRedisMessage(children);
  }

  /** {@code message} as a reply; the caller still owns (and releases) {@code message}. */
  static RespReply of(RedisMessage message) {
    if (message instanceof SimpleStringRedisMessage simple) {
      return new Simple(simple.content());
    }
    if (message instanceof ErrorRedisMessage error) {
      return new Error(error.content());
    }
    if (message instanceof IntegerRedisMessage integer) {
      return new Integer(integer.value());
    }
    if (message instanceof FullBulkStringRedisMessage bulk) {
      return new Bulk(bulk.isNull() ? null : bytes(bulk.content()));
    }
    if (message instanceof ArrayRedisMessage array) {
      if (array.isNull()) {
        return new Array(null);
      }
      List<RespReply> elements = new ArrayList<>(array.children().size());
      for (RedisMessage child : array.children()) {
        elements.add(of(child));
      }
      return new Array(elements);
    }
    throw new IllegalArgumentException("not a whole RESP2 reply: " + message.getClass().getSimpleName());
  }

  private static byte[] bytes(ByteBuf buffer) {
    return ByteBufUtil.getBytes(buffer, buffer.readerIndex(), buffer.readableBytes(), false);
  }
}

package io.keel.kv.store;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import io.keel.raft.session.ResultCodec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of {@link KvCommand}s and {@link KvResult}s: a format version byte, then the
 * object as Kryo writes it with registration required (each type under a fixed id, with a
 * serializer that writes its fields in a fixed order). Decoding checks the version, every length
 * against {@link KvLimits} and against the bytes left before it allocates, and that nothing
 * trails; bytes that are not an encoded command or result are refused with an
 * {@link IllegalArgumentException}, whatever they hold. Thread-safe.
 */
public final class KvCodec {

  /** The format version every encoded command and result starts with. */
  public static final byte VERSION = 1;

  private final KvLimits limits;
  private final Pool<Kryo> kryos = new Pool<>(true, false, 16) {
    @Override
    protected Kryo create() {
      return newKryo();
    }
  };

  /** A codec that refuses what exceeds {@code limits}. */
  public KvCodec(KvLimits limits) {
    this.limits = limits;
  }

  /**
   * {@code command} as bytes, to propose.
   *
   * @throws IllegalArgumentException if a key, a value or the number of keys exceeds the limits,
   *     which every replica would refuse when decoding it
   */
  public byte[] encode(KvCommand command) {
    check(command);
    return write(command);
  }

  private void check(KvCommand command) {
    if (command instanceof KvCommand.Set set) {
      checkPair(set.key(), set.value());
    } else if (command instanceof KvCommand.Delete delete) {
      checkCount(delete.keys().size());
      delete.keys().forEach(key -> checkPair(key, null));
    } else if (command instanceof KvCommand.IncrBy incr) {
      checkPair(incr.key(), null);
    } else if (command instanceof KvCommand.Append append) {
      checkPair(append.key(), append.value());
    } else if (command instanceof KvCommand.MultiSet set) {
      checkCount(set.keys().size());
      for (int i = 0; i < set.keys().size(); i++) {
        checkPair(set.keys().get(i), set.values().get(i));
      }
    } else if (command instanceof KvCommand.CompareAndSet) {
      KvCommand.CompareAndSet cas = (KvCommand.CompareAndSet) command;
      checkPair(cas.key(), cas.value());
      checkPair(cas.key(), cas.expected());
    }
    // an Announce checks its own fields
  }

  private void checkPair(byte[] key, byte[] value) {
    if (key.length > limits.maxKeyBytes()) {
      throw new IllegalArgumentException("a key of " + key.length + " bytes, the limit is " + limits.maxKeyBytes());
    }
    if (value != null && value.length > limits.maxValueBytes()) {
      throw new IllegalArgumentException("a value of " + value.length + " bytes, the limit is " + limits.maxValueBytes());
    }
  }

  private void checkCount(int keys) {
    if (keys > limits.maxKeysPerCommand()) {
      throw new IllegalArgumentException(keys + " keys in one command, the limit is " + limits.maxKeysPerCommand());
    }
  }

  /** {@code result} as bytes, for the results client sessions keep in snapshots. */
  public byte[] encode(KvResult result) {
    return write(result);
  }

  /** This codec's results as a {@link ResultCodec}, for the results client sessions keep in snapshots. */
  public ResultCodec<KvResult> results() {
    return new ResultCodec<>() {
      @Override
      public byte[] encode(KvResult result) {
        return KvCodec.this.encode(result);
      }

      @Override
      public KvResult decode(byte[] bytes) {
        return decodeResult(bytes);
      }
    };
  }

  /**
   * The command {@link #encode(KvCommand)} wrote.
   *
   * @throws IllegalArgumentException if {@code bytes} are not one
   */
  public KvCommand decodeCommand(byte[] bytes) {
    return read(bytes, KvCommand.class);
  }

  /**
   * The result {@link #encode(KvResult)} wrote.
   *
   * @throws IllegalArgumentException if {@code bytes} are not one
   */
  public KvResult decodeResult(byte[] bytes) {
    return read(bytes, KvResult.class);
  }

  private byte[] write(Object object) {
    Kryo kryo = kryos.obtain();
    try {
      Output out = new Output(64, -1);
      out.writeByte(VERSION);
      kryo.writeClassAndObject(out, object);
      return out.toBytes();
    } finally {
      kryos.free(kryo);
    }
  }

  private <T> T read(byte[] bytes, Class<T> type) {
    if (bytes.length == 0 || bytes[0] != VERSION) {
      throw new IllegalArgumentException(bytes.length == 0 ? "an empty key-value record"
          : "key-value format version " + bytes[0] + ", this build reads " + VERSION);
    }
    Kryo kryo = kryos.obtain();
    try {
      Input in = new Input(bytes, 1, bytes.length - 1);
      Object object = kryo.readClassAndObject(in);
      if (!type.isInstance(object)) {
        throw new IllegalArgumentException("a key-value record holds " + (object == null ? "null" : object.getClass().getSimpleName())
            + ", not a " + type.getSimpleName());
      }
      if (in.position() != bytes.length) {
        throw new IllegalArgumentException((bytes.length - in.position()) + " bytes trail a key-value record");
      }
      return type.cast(object);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      // Kryo's refusals (an unregistered id, a buffer underflow) and any other way malformed bytes break it.
      throw new IllegalArgumentException("not a key-value record: " + e.getMessage(), e);
    } finally {
      kryos.free(kryo);
    }
  }

  private Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.register(KvCommand.Set.class, new SetSerializer(), 10);
    kryo.register(KvCommand.Delete.class, new DeleteSerializer(), 11);
    kryo.register(KvCommand.IncrBy.class, new IncrBySerializer(), 12);
    kryo.register(KvCommand.Append.class, new AppendSerializer(), 13);
    kryo.register(KvCommand.MultiSet.class, new MultiSetSerializer(), 14);
    kryo.register(KvCommand.CompareAndSet.class, new CompareAndSetSerializer(), 15);
    kryo.register(KvCommand.Announce.class, new AnnounceSerializer(), 16);
    kryo.register(KvResult.Ok.class, new ConstantSerializer<>(KvResult.OK), 30);
    kryo.register(KvResult.NotApplied.class, new ConstantSerializer<>(KvResult.NOT_APPLIED), 31);
    kryo.register(KvResult.Number.class, new NumberSerializer(), 32);
    kryo.register(KvResult.Failure.class, new FailureSerializer(), 33);
    return kryo;
  }

  // ------------------------------------------------------------------ fields

  /** Writes a byte string, or null, as its length plus one (0 for null) and its bytes. */
  static void writeBytes(Output out, byte[] bytes) {
    if (bytes == null) {
      out.writeVarInt(0, true);
      return;
    }
    out.writeVarInt(bytes.length + 1, true);
    out.writeBytes(bytes);
  }

  /** Reads what {@link #writeBytes} wrote from a whole record, refusing a length above {@code max} or beyond it before allocating. */
  static byte[] readBytes(Input in, int max, String what) {
    return readBytes(in, max, what, true);
  }

  /**
   * Reads what {@link #writeBytes} wrote, refusing a length above {@code max} before allocating;
   * with {@code wholeRecord}, also one beyond the input (a stream's input holds only its buffer).
   */
  static byte[] readBytes(Input in, int max, String what, boolean wholeRecord) {
    int lengthPlusOne = in.readVarInt(true);
    if (lengthPlusOne == 0) {
      return null;
    }
    int length = lengthPlusOne - 1;
    if (length < 0 || length > max) {
      throw new IllegalArgumentException(what + " of " + length + " bytes, the limit is " + max);
    }
    if (wholeRecord && length > in.limit() - in.position()) {
      throw new IllegalArgumentException(what + " of " + length + " bytes, but only " + (in.limit() - in.position())
          + " are left");
    }
    return in.readBytes(length);
  }

  private byte[] readKey(Input in) {
    byte[] key = readBytes(in, limits.maxKeyBytes(), "a key");
    if (key == null) {
      throw new IllegalArgumentException("a missing key");
    }
    return key;
  }

  private byte[] readValue(Input in, boolean nullable) {
    byte[] value = readBytes(in, limits.maxValueBytes(), "a value");
    if (value == null && !nullable) {
      throw new IllegalArgumentException("a missing value");
    }
    return value;
  }

  private int readCount(Input in) {
    int count = in.readVarInt(true);
    if (count < 1 || count > limits.maxKeysPerCommand()) {
      throw new IllegalArgumentException(count + " keys in one command, the limit is " + limits.maxKeysPerCommand());
    }
    return count;
  }

  // ------------------------------------------------------------------ serializers

  private final class SetSerializer extends Serializer<KvCommand.Set> {
    @Override
    public void write(Kryo kryo, Output out, KvCommand.Set set) {
      writeBytes(out, set.key());
      writeBytes(out, set.value());
      out.writeByte(set.condition().ordinal());
    }

    @Override
    public KvCommand.Set read(Kryo kryo, Input in, Class<? extends KvCommand.Set> type) {
      byte[] key = readKey(in);
      byte[] value = readValue(in, false);
      int condition = in.readByte();
      if (condition < 0 || condition >= KvCommand.Condition.values().length) {
        throw new IllegalArgumentException("unknown SET condition " + condition);
      }
      return new KvCommand.Set(key, value, KvCommand.Condition.values()[condition]);
    }
  }

  private final class DeleteSerializer extends Serializer<KvCommand.Delete> {
    @Override
    public void write(Kryo kryo, Output out, KvCommand.Delete delete) {
      out.writeVarInt(delete.keys().size(), true);
      delete.keys().forEach(key -> writeBytes(out, key));
    }

    @Override
    public KvCommand.Delete read(Kryo kryo, Input in, Class<? extends KvCommand.Delete> type) {
      int count = readCount(in);
      List<byte[]> keys = new ArrayList<>(Math.min(count, 64));
      for (int i = 0; i < count; i++) {
        keys.add(readKey(in));
      }
      return new KvCommand.Delete(keys);
    }
  }

  private final class IncrBySerializer extends Serializer<KvCommand.IncrBy> {
    @Override
    public void write(Kryo kryo, Output out, KvCommand.IncrBy incr) {
      writeBytes(out, incr.key());
      out.writeVarLong(incr.delta(), false);
    }

    @Override
    public KvCommand.IncrBy read(Kryo kryo, Input in, Class<? extends KvCommand.IncrBy> type) {
      return new KvCommand.IncrBy(readKey(in), in.readVarLong(false));
    }
  }

  private final class AppendSerializer extends Serializer<KvCommand.Append> {
    @Override
    public void write(Kryo kryo, Output out, KvCommand.Append append) {
      writeBytes(out, append.key());
      writeBytes(out, append.value());
    }

    @Override
    public KvCommand.Append read(Kryo kryo, Input in, Class<? extends KvCommand.Append> type) {
      return new KvCommand.Append(readKey(in), readValue(in, false));
    }
  }

  private final class MultiSetSerializer extends Serializer<KvCommand.MultiSet> {
    @Override
    public void write(Kryo kryo, Output out, KvCommand.MultiSet set) {
      out.writeVarInt(set.keys().size(), true);
      for (int i = 0; i < set.keys().size(); i++) {
        writeBytes(out, set.keys().get(i));
        writeBytes(out, set.values().get(i));
      }
    }

    @Override
    public KvCommand.MultiSet read(Kryo kryo, Input in, Class<? extends KvCommand.MultiSet> type) {
      int count = readCount(in);
      List<byte[]> keys = new ArrayList<>(Math.min(count, 64));
      List<byte[]> values = new ArrayList<>(Math.min(count, 64));
      for (int i = 0; i < count; i++) {
        keys.add(readKey(in));
        values.add(readValue(in, false));
      }
      return new KvCommand.MultiSet(keys, values);
    }
  }

  private final class CompareAndSetSerializer extends Serializer<KvCommand.CompareAndSet> {
    @Override
    public void write(Kryo kryo, Output out, KvCommand.CompareAndSet cas) {
      writeBytes(out, cas.key());
      writeBytes(out, cas.expected());
      writeBytes(out, cas.value());
    }

    @Override
    public KvCommand.CompareAndSet read(Kryo kryo, Input in, Class<? extends KvCommand.CompareAndSet> type) {
      return new KvCommand.CompareAndSet(readKey(in), readValue(in, true), readValue(in, false));
    }
  }

  private static final class AnnounceSerializer extends Serializer<KvCommand.Announce> {
    @Override
    public void write(Kryo kryo, Output out, KvCommand.Announce announce) {
      writeField(out, announce.node());
      writeField(out, announce.respAddress());
      writeField(out, announce.httpAddress());
    }

    @Override
    public KvCommand.Announce read(Kryo kryo, Input in, Class<? extends KvCommand.Announce> type) {
      return new KvCommand.Announce(readField(in, true), readField(in, true), readField(in, true));
    }
  }

  /** Writes a string of an {@link KvCommand.Announce} as its UTF-8 bytes. */
  static void writeField(Output out, String field) {
    writeBytes(out, field.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads what {@link #writeField} wrote, refusing one that is missing or too long before allocating it. */
  static String readField(Input in, boolean wholeRecord) {
    byte[] bytes = readBytes(in, 4 * KvCommand.Announce.MAX_FIELD_CHARS, "an announced field", wholeRecord);
    if (bytes == null) {
      throw new IllegalArgumentException("a missing announced field");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("an announced field that is no UTF-8 text");
    }
  }

  private static final class ConstantSerializer<T> extends Serializer<T> {
    private final T constant;

    ConstantSerializer(T constant) {
      this.constant = constant;
    }

    @Override
    public void write(Kryo kryo, Output out, T object) {}

    @Override
    public T read(Kryo kryo, Input in, Class<? extends T> type) {
      return constant;
    }
  }

  private static final class NumberSerializer extends Serializer<KvResult.Number> {
    @Override
    public void write(Kryo kryo, Output out, KvResult.Number number) {
      out.writeVarLong(number.value(), false);
    }

    @Override
    public KvResult.Number read(Kryo kryo, Input in, Class<? extends KvResult.Number> type) {
      return new KvResult.Number(in.readVarLong(false));
    }
  }

  private static final class FailureSerializer extends Serializer<KvResult.Failure> {
    @Override
    public void write(Kryo kryo, Output out, KvResult.Failure failure) {
      out.writeString(failure.message());
    }

    @Override
    public KvResult.Failure read(Kryo kryo, Input in, Class<? extends KvResult.Failure> type) {
      String message = in.readString();
      if (message == null || message.length() > 1_000) {
        throw new IllegalArgumentException("a failure message that is missing or longer than 1,000 characters");
      }
      return new KvResult.Failure(message);
    }
  }
}

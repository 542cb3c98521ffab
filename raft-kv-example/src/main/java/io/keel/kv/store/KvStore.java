package io.keel.kv.store;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.session.SessionLimits;
import io.keel.raft.session.SessionStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated store: a sorted map of byte strings, changed only by {@link KvCommand}s applied in
 * log order, and read (on the apply thread, as {@link io.keel.raft.runtime.RaftGroup#read} runs
 * queries) through {@link #get}, {@link #size} and {@link #exists}. Keys sort as unsigned bytes.
 *
 * <p>A snapshot is a shallow copy of the map taken between two applies (values are never changed in
 * place, so the copy stays the state at that index), streamed out as records: the format version,
 * the number of pairs, then each key and value. A restore reads them back, checking the version and
 * every length against the {@link KvLimits}.
 */
public final class KvStore implements StateMachine<KvResult> {

  private static final int STREAM_BUFFER = 64 * 1024;

  private final KvLimits limits;
  private final KvCodec codec;
  private final TreeMap<byte[], byte[]> values = new TreeMap<>(Arrays::compareUnsigned);

  /** An empty store that refuses what exceeds {@code limits}. */
  public KvStore(KvLimits limits) {
    this.limits = limits;
    this.codec = new KvCodec(limits);
  }

  /**
   * The store as every replica of the service runs it: in client sessions, so that a write retried
   * after an unknown outcome applies once ({@link SessionStateMachine}; its table is kept in the
   * same snapshots, before the store's records).
   */
  public static SessionStateMachine<KvResult> inSessions(KvLimits limits, SessionLimits sessions) {
    KvStore store = new KvStore(limits);
    return new SessionStateMachine<>(store, store.codec().results(), sessions);
  }

  /** The codec of this store's commands and results. */
  public KvCodec codec() {
    return codec;
  }

  /**
   * Applies one encoded command.
   *
   * @throws IllegalArgumentException if {@code command} is no command of this format: every replica refuses it alike
   */
  @Override
  public KvResult apply(long index, byte[] command) {
    KvCommand decoded = codec.decodeCommand(command);
    if (decoded instanceof KvCommand.Set set) {
      boolean present = values.containsKey(set.key());
      if ((set.condition() == KvCommand.Condition.IF_ABSENT && present)
          || (set.condition() == KvCommand.Condition.IF_PRESENT && !present)) {
        return KvResult.NOT_APPLIED;
      }
      values.put(set.key(), set.value());
      return KvResult.OK;
    }
    if (decoded instanceof KvCommand.Delete delete) {
      long removed = 0;
      for (byte[] key : delete.keys()) {
        removed += values.remove(key) != null ? 1 : 0;
      }
      return new KvResult.Number(removed);
    }
    if (decoded instanceof KvCommand.IncrBy incr) {
      return increment(incr.key(), incr.delta());
    }
    if (decoded instanceof KvCommand.Append append) {
      return append(append.key(), append.value());
    }
    if (decoded instanceof KvCommand.MultiSet set) {
      for (int i = 0; i < set.keys().size(); i++) {
        values.put(set.keys().get(i), set.values().get(i));
      }
      return KvResult.OK;
    }
    KvCommand.CompareAndSet cas = (KvCommand.CompareAndSet) decoded;
    if (!Arrays.equals(values.get(cas.key()), cas.expected())) {
      return KvResult.NOT_APPLIED;
    }
    values.put(cas.key(), cas.value());
    return KvResult.OK;
  }

  private KvResult increment(byte[] key, long delta) {
    byte[] current = values.get(key);
    long value;
    try {
      value = current == null ? 0 : Long.parseLong(new String(current, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return new KvResult.Failure("ERR value is not an integer or out of range");
    }
    long next;
    try {
      next = Math.addExact(value, delta);
    } catch (ArithmeticException e) {
      return new KvResult.Failure("ERR increment or decrement would overflow");
    }
    values.put(key, Long.toString(next).getBytes(StandardCharsets.US_ASCII));
    return new KvResult.Number(next);
  }

  private KvResult append(byte[] key, byte[] suffix) {
    byte[] current = values.getOrDefault(key, new byte[0]);
    if ((long) current.length + suffix.length > limits.maxValueBytes()) {
      return new KvResult.Failure("ERR string exceeds the maximum allowed size (" + limits.maxValueBytes() + " bytes)");
    }
    byte[] joined = Arrays.copyOf(current, current.length + suffix.length); // a new array: snapshots share the old
    System.arraycopy(suffix, 0, joined, current.length, suffix.length);
    values.put(key, joined);
    return new KvResult.Number(joined.length);
  }

  /** The value of {@code key}, or null; the caller must not change it. */
  public byte[] get(byte[] key) {
    return values.get(key);
  }

  /** Whether {@code key} holds a value. */
  public boolean exists(byte[] key) {
    return values.containsKey(key);
  }

  /** How many keys hold a value. */
  public int size() {
    return values.size();
  }

  @Override
  public StateMachineSnapshot snapshot() {
    TreeMap<byte[], byte[]> copy = new TreeMap<>(values);
    return out -> {
      Output output = new Output(out, STREAM_BUFFER);
      output.writeByte(KvCodec.VERSION);
      output.writeVarInt(copy.size(), true);
      for (Map.Entry<byte[], byte[]> pair : copy.entrySet()) {
        KvCodec.writeBytes(output, pair.getKey());
        KvCodec.writeBytes(output, pair.getValue());
      }
      output.flush();
    };
  }

  @Override
  public void restore(long lastIndex, InputStream in) throws IOException {
    Input input = new Input(in, STREAM_BUFFER);
    TreeMap<byte[], byte[]> read = new TreeMap<>(Arrays::compareUnsigned);
    try {
      byte version = input.readByte();
      if (version != KvCodec.VERSION) {
        throw new IOException("key-value snapshot format version " + version + ", this build reads " + KvCodec.VERSION);
      }
      int count = input.readVarInt(true);
      if (count < 0) {
        throw new IOException("a key-value snapshot of " + count + " pairs");
      }
      for (int i = 0; i < count; i++) {
        byte[] key = KvCodec.readBytes(input, limits.maxKeyBytes(), "a key", false);
        byte[] value = KvCodec.readBytes(input, limits.maxValueBytes(), "a value", false);
        if (key == null || value == null || read.put(key, value) != null) {
          throw new IOException("a key-value snapshot with a missing or repeated key at pair " + i);
        }
      }
      if (input.read() != -1) {
        throw new IOException("bytes trail the key-value snapshot's " + count + " pairs");
      }
    } catch (KryoException | IllegalArgumentException e) {
      throw new IOException("a damaged key-value snapshot: " + e.getMessage(), e);
    }
    values.clear();
    values.putAll(read);
  }
}

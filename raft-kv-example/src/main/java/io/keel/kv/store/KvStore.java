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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The replicated store: a sorted map of byte strings, changed only by {@link KvCommand}s applied in
 * log order, and read through {@link #get}, {@link #size} and {@link #exists}: on the apply thread,
 * as {@link io.keel.raft.runtime.RaftGroup#read} runs queries, for a linearizable read, or on any
 * thread for a local (possibly stale) one, which sees each value whole. Keys sort as unsigned
 * bytes. Apart from the key space, it keeps where each node's clients connect
 * ({@link KvCommand.Announce}).
 *
 * <p>A snapshot is a shallow copy of the map taken between two applies (values are never changed in
 * place, so the copy stays the state at that index), streamed out as records: the format version,
 * the number of pairs, then each key and value, then the announced members. A restore reads them
 * back, checking the version and every length against the {@link KvLimits}.
 */
public final class KvStore implements StateMachine<KvResult> {

  private static final int STREAM_BUFFER = 64 * 1024;
  /** The most members a snapshot may announce: far above any real cluster, far below what would hurt. */
  private static final int MAX_MEMBERS = 10_000;

  private final KvLimits limits;
  private final KvCodec codec;
  /** Concurrent so that a local read (stale, on any thread) sees a whole value; written only by the apply thread. */
  private final ConcurrentSkipListMap<byte[], byte[]> values = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
  /** Where each node's clients connect, by node id: {@link KvCommand.Announce}. */
  private final ConcurrentSkipListMap<String, KvCommand.Announce> members = new ConcurrentSkipListMap<>();
  /** How many keys hold a value (the skip list counts in linear time). */
  private volatile int size;

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
      put(set.key(), set.value());
      return KvResult.OK;
    }
    if (decoded instanceof KvCommand.Delete delete) {
      long removed = 0;
      for (byte[] key : delete.keys()) {
        removed += remove(key) ? 1 : 0;
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
        put(set.keys().get(i), set.values().get(i));
      }
      return KvResult.OK;
    }
    if (decoded instanceof KvCommand.Announce announce) {
      members.put(announce.node(), announce);
      return KvResult.OK;
    }
    KvCommand.CompareAndSet cas = (KvCommand.CompareAndSet) decoded;
    if (!Arrays.equals(values.get(cas.key()), cas.expected())) {
      return KvResult.NOT_APPLIED;
    }
    put(cas.key(), cas.value());
    return KvResult.OK;
  }

  private void put(byte[] key, byte[] value) {
    if (values.put(key, value) == null) {
      size++; // only the apply thread writes
    }
  }

  private boolean remove(byte[] key) {
    if (values.remove(key) == null) {
      return false;
    }
    size--;
    return true;
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
    put(key, Long.toString(next).getBytes(StandardCharsets.US_ASCII));
    return new KvResult.Number(next);
  }

  private KvResult append(byte[] key, byte[] suffix) {
    byte[] current = values.getOrDefault(key, new byte[0]);
    if ((long) current.length + suffix.length > limits.maxValueBytes()) {
      return new KvResult.Failure("ERR string exceeds the maximum allowed size (" + limits.maxValueBytes() + " bytes)");
    }
    byte[] joined = Arrays.copyOf(current, current.length + suffix.length); // a new array: snapshots share the old
    System.arraycopy(suffix, 0, joined, current.length, suffix.length);
    put(key, joined);
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

  /** What node {@code node} announced of its client addresses, if anything; from any thread. */
  public Optional<KvCommand.Announce> member(String node) {
    return Optional.ofNullable(members.get(node));
  }

  /** Every node's announced client addresses, by node id; from any thread. */
  public Map<String, KvCommand.Announce> members() {
    return Map.copyOf(members);
  }

  /** How many keys hold a value. */
  public int size() {
    return size;
  }

  @Override
  public StateMachineSnapshot snapshot() {
    TreeMap<byte[], byte[]> copy = new TreeMap<>(values);
    List<KvCommand.Announce> announced = List.copyOf(members.values());
    return out -> {
      Output output = new Output(out, STREAM_BUFFER);
      output.writeByte(KvCodec.VERSION);
      output.writeVarInt(copy.size(), true);
      for (Map.Entry<byte[], byte[]> pair : copy.entrySet()) {
        KvCodec.writeBytes(output, pair.getKey());
        KvCodec.writeBytes(output, pair.getValue());
      }
      output.writeVarInt(announced.size(), true);
      for (KvCommand.Announce member : announced) {
        KvCodec.writeField(output, member.node());
        KvCodec.writeField(output, member.respAddress());
        KvCodec.writeField(output, member.httpAddress());
      }
      output.flush();
    };
  }

  @Override
  public void restore(long lastIndex, InputStream in) throws IOException {
    Input input = new Input(in, STREAM_BUFFER);
    TreeMap<byte[], byte[]> read = new TreeMap<>(Arrays::compareUnsigned);
    Map<String, KvCommand.Announce> readMembers = new TreeMap<>();
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
      readMembers(input, readMembers);
      if (input.read() != -1) {
        throw new IOException("bytes trail the key-value snapshot's " + count + " pairs");
      }
    } catch (KryoException | IllegalArgumentException e) {
      throw new IOException("a damaged key-value snapshot: " + e.getMessage(), e);
    }
    values.clear();
    values.putAll(read);
    size = read.size();
    members.clear();
    members.putAll(readMembers);
  }

  private static void readMembers(Input input, Map<String, KvCommand.Announce> into) throws IOException {
    int count = input.readVarInt(true);
    if (count < 0 || count > MAX_MEMBERS) {
      throw new IOException("a key-value snapshot announcing " + count + " members, the limit is " + MAX_MEMBERS);
    }
    for (int i = 0; i < count; i++) {
      KvCommand.Announce member = new KvCommand.Announce(KvCodec.readField(input, false),
          KvCodec.readField(input, false), KvCodec.readField(input, false));
      if (into.put(member.node(), member) != null) {
        throw new IOException("a key-value snapshot announcing member " + member.node() + " twice");
      }
    }
  }
}

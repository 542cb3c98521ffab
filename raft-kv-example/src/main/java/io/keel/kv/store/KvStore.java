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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The replicated store: a sorted map of byte strings, changed only by {@link KvCommand}s applied in
 * log order ({@link KvApplier}), and read as a {@link KvState}: on the apply thread, as {@link
 * io.keel.raft.runtime.RaftGroup#read} runs queries, for a linearizable read, or on any thread
 * for a local (possibly stale) one, which sees each value whole. Keys sort as unsigned bytes. Apart from the key space, it keeps where each node's clients connect
 * ({@link KvCommand.Announce}).
 *
 * <p>A snapshot is a shallow copy of the map taken between two applies (values are never changed in
 * place, so the copy stays the state at that index), streamed out as records: the format version,
 * the number of pairs, then each key and value, then the announced members. A restore reads them
 * back, checking the version and every length against the {@link KvLimits}.
 */
public final class KvStore implements StateMachine<KvResult>, KvState {

  private static final int STREAM_BUFFER = 64 * 1024;
  /** The most members a snapshot may announce: far above any real cluster, far below what would hurt. */
  private static final int MAX_MEMBERS = 10_000;

  private final KvLimits limits;
  private final KvCodec codec;
  private final KvApplier applier;
  private final MapTarget target = new MapTarget();
  /** Concurrent so that a local read (stale, on any thread) sees a whole value; written only by the apply thread. */
  private final ConcurrentSkipListMap<byte[], byte[]> values = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
  /** Where each node's clients connect, by node id: {@link KvCommand.Announce}. */
  private final Members members = new Members();
  /** How many keys hold a value (the skip list counts in linear time). */
  private volatile int size;

  /** An empty store that refuses what exceeds {@code limits}. */
  public KvStore(KvLimits limits) {
    this.limits = limits;
    this.codec = new KvCodec(limits);
    this.applier = new KvApplier(limits);
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
    return applier.apply(codec.decodeCommand(command), target);
  }

  /** The map as commands change it; only the apply thread writes. */
  private final class MapTarget implements KvApplier.Target {
    @Override
    public byte[] get(byte[] key) {
      return values.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
      if (values.put(key, value) == null) {
        size++; // only the apply thread writes
      }
    }

    @Override
    public boolean remove(byte[] key) {
      if (values.remove(key) == null) {
        return false;
      }
      size--;
      return true;
    }

    @Override
    public void announce(KvCommand.Announce announce) {
      members.announce(announce);
    }
  }

  @Override
  public byte[] get(byte[] key) {
    return values.get(key);
  }

  @Override
  public boolean exists(byte[] key) {
    return values.containsKey(key);
  }

  @Override
  public Optional<KvCommand.Announce> member(String node) {
    return members.of(node);
  }

  @Override
  public Map<String, KvCommand.Announce> members() {
    return members.all();
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public StateMachineSnapshot snapshot() {
    TreeMap<byte[], byte[]> copy = new TreeMap<>(values);
    List<KvCommand.Announce> announced = members.list();
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
    members.replaceAll(readMembers.values());
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

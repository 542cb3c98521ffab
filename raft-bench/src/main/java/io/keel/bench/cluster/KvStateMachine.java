package io.keel.bench.cluster;

import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * W1's state machine: a command is a 16-byte key followed by its value; applying it puts the value
 * in an in-memory hash map. Returns the map's size, so the result is cheap and deterministic.
 *
 * <p><b>Snapshots</b> (used only by {@code w1 --snapshots default}). {@link #snapshot()} must give
 * a point-in-time view without stalling applying for long. The view here is a compact copy taken
 * on the apply thread: the keys as two {@code long} arrays and the values as an array of references.
 * Copying the values' bytes is not needed, because a value array is never changed once in the map
 * (a put replaces the reference), so the referenced arrays are the values as of the snapshot. The
 * copy costs one pass over the map and three arrays of the map's size (for W1's 100,000 keys about
 * 2 MB and 4 to 8 ms on the 2-core machine of docs/performance.md; at the default policy, a
 * snapshot every 100,000 entries, and W1's 200,000 commands a second, about 1.5% of the apply
 * thread's time), and nothing more on each apply; the bytes are then written out on the snapshot
 * thread while applying goes on. A copy-on-write map (a persistent hash trie) would
 * make the view free but would cost on every apply, which W1 measures; a deep copy would cost the
 * whole state's bytes on the apply thread. The payload is "KVW1", the entry count, then per entry
 * the key's two longs, the value's length and the value.
 */
public final class KvStateMachine implements StateMachine<Integer> {

  /** Bytes of the key at the start of each command. */
  public static final int KEY_BYTES = 16;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** "KVW1": the first four bytes of a snapshot. */
  static final int SNAPSHOT_MAGIC = 0x4B565731;
  /** The longest value a snapshot may hold: no command is longer than 1 GiB. */
  private static final int MAX_VALUE_BYTES = 1 << 30;
  private static final int STREAM_BUFFER_BYTES = 64 * 1024;

  private final Map<Key, byte[]> map = new HashMap<>(1 << 18);

  @Override
  public Integer apply(long index, byte[] command) {
    if (command.length < KEY_BYTES) {
      throw new IllegalArgumentException("a W1 command holds a 16-byte key and a value, got " + command.length + " bytes");
    }
    long high = (long) LONGS.get(command, 0);
    long low = (long) LONGS.get(command, 8);
    map.put(new Key(high, low), Arrays.copyOfRange(command, KEY_BYTES, command.length));
    return map.size();
  }

  /** A 16-byte key as two longs: hashing and comparing it costs a few instructions. */
  private record Key(long high, long low) {
    @Override
    public int hashCode() {
      long mixed = (high * 0x9E3779B97F4A7C15L) ^ low;
      mixed *= 0xC2B2AE3D27D4EB4FL;
      return (int) (mixed ^ (mixed >>> 32));
    }
  }

  /** A compact copy of the map: the keys' longs and references to the (never changed) value arrays. */
  @Override
  public StateMachineSnapshot snapshot() {
    int size = map.size();
    long[] highs = new long[size];
    long[] lows = new long[size];
    byte[][] values = new byte[size][];
    int i = 0;
    for (Map.Entry<Key, byte[]> entry : map.entrySet()) {
      highs[i] = entry.getKey().high();
      lows[i] = entry.getKey().low();
      values[i] = entry.getValue();
      i++;
    }
    return out -> {
      DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, STREAM_BUFFER_BYTES));
      data.writeInt(SNAPSHOT_MAGIC);
      data.writeInt(size);
      for (int at = 0; at < size; at++) {
        data.writeLong(highs[at]);
        data.writeLong(lows[at]);
        data.writeInt(values[at].length);
        data.write(values[at]);
      }
      data.flush();
    };
  }

  @Override
  public void restore(long lastIndex, InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(new BufferedInputStream(in, STREAM_BUFFER_BYTES));
    if (data.readInt() != SNAPSHOT_MAGIC) {
      throw new IOException("not a W1 snapshot: no KVW1 header");
    }
    int size = data.readInt();
    if (size < 0) {
      throw new IOException("a W1 snapshot of " + size + " entries");
    }
    map.clear();
    for (int i = 0; i < size; i++) {
      long high = data.readLong();
      long low = data.readLong();
      int length = data.readInt();
      if (length < 0 || length > MAX_VALUE_BYTES) {
        throw new IOException("entry " + i + " of a W1 snapshot has a value of " + length + " bytes");
      }
      byte[] value = new byte[length];
      data.readFully(value);
      map.put(new Key(high, low), value);
    }
    if (data.read() != -1) {
      throw new IOException("bytes after the " + size + " entries of a W1 snapshot");
    }
  }
}

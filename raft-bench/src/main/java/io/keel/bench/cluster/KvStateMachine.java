package io.keel.bench.cluster;

import io.keel.raft.StateMachine;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * W1's state machine: a command is a 16-byte key followed by its value; applying it puts the value
 * in an in-memory hash map. Returns the map's size, so the result is cheap and deterministic.
 */
public final class KvStateMachine implements StateMachine<Integer> {

  /** Bytes of the key at the start of each command. */
  public static final int KEY_BYTES = 16;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

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
}

package io.keel.bench.cluster;

import io.keel.raft.StateMachine;
import java.nio.ByteBuffer;
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

  private final Map<ByteBuffer, byte[]> map = new HashMap<>();

  @Override
  public Integer apply(long index, byte[] command) {
    if (command.length < KEY_BYTES) {
      throw new IllegalArgumentException("a W1 command holds a 16-byte key and a value, got " + command.length + " bytes");
    }
    map.put(ByteBuffer.wrap(command, 0, KEY_BYTES).slice(), Arrays.copyOfRange(command, KEY_BYTES, command.length));
    return map.size();
  }
}

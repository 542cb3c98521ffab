package io.keel.bench.cluster;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * W1's commands: a key drawn uniformly from 100,000 16-byte keys, followed by a 100-byte value.
 * Keys and values are made up front, so drawing a command costs one array copy.
 */
final class Workload {

  static final int KEYS = 100_000;
  static final int VALUE_BYTES = 100;

  private final byte[][] keys = new byte[KEYS][];
  private final byte[] values;
  private final SplittableRandom random;

  Workload(long seed) {
    this.random = new SplittableRandom(seed);
    for (int i = 0; i < KEYS; i++) {
      keys[i] = String.format("key-%012d", i).getBytes(StandardCharsets.US_ASCII);
    }
    values = new byte[VALUE_BYTES * 64];
    for (int i = 0; i < values.length; i++) {
      values[i] = (byte) ('a' + random.nextInt(26));
    }
  }

  /** A fresh command; safe to call from one thread at a time. */
  synchronized byte[] next() {
    byte[] command = new byte[KvStateMachine.KEY_BYTES + VALUE_BYTES];
    System.arraycopy(keys[random.nextInt(KEYS)], 0, command, 0, KvStateMachine.KEY_BYTES);
    System.arraycopy(values, random.nextInt(64) * VALUE_BYTES, command, KvStateMachine.KEY_BYTES, VALUE_BYTES);
    return command;
  }
}

package io.keel.bench.snapshot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The commands of the {@link FileKvStateMachine}: a batch of key/value records, laid out as
 *
 * <pre>
 *   int magic "KVB1", int record count,
 *   then per record: int key length, int value length, key bytes, value bytes   (big-endian)
 * </pre>
 *
 * <p>Applying a batch appends its records, byte for byte, to the state file; so the state file is
 * the concatenation of every record applied, and a snapshot is a prefix of it. The benchmark's
 * records are made here too: key number {@code k} is {@code k} as 8 big-endian bytes followed by
 * bytes mixed from {@code k}, so keys are distinct, and its value is pseudo-random bytes drawn
 * from {@code k} and a seed, so nothing about the state is compressible or all zeros.
 */
public final class KvRecords {

  /** "KVB1": the first four bytes of every command. */
  public static final int MAGIC = 0x4B564231;
  /** Bytes before the first record: the magic and the record count. */
  public static final int HEADER_BYTES = 8;
  /** Bytes of each record before its key: the key's length and the value's length. */
  public static final int RECORD_HEADER_BYTES = 8;
  /** The shortest key: its first 8 bytes are the key number, which keeps keys distinct. */
  public static final int MIN_KEY_BYTES = 8;
  /** The longest key. */
  public static final int MAX_KEY_BYTES = 1024;
  /** The longest value. */
  public static final int MAX_VALUE_BYTES = 1 << 20;

  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private KvRecords() {}

  /** The bytes one record of {@code keyBytes} and {@code valueBytes} takes in a command and in the state. */
  public static int recordBytes(int keyBytes, int valueBytes) {
    checkSizes(keyBytes, valueBytes);
    return RECORD_HEADER_BYTES + keyBytes + valueBytes;
  }

  /**
   * A command holding the records of keys {@code firstKey} to {@code firstKey + count - 1}, with
   * values drawn from {@code seed}.
   */
  public static byte[] command(long firstKey, int count, int keyBytes, int valueBytes, long seed) {
    int recordBytes = recordBytes(keyBytes, valueBytes);
    if (count < 0 || (long) count * recordBytes > Integer.MAX_VALUE - HEADER_BYTES) {
      throw new IllegalArgumentException("a command of " + count + " records of " + recordBytes
          + " bytes does not fit in an array");
    }
    byte[] command = new byte[HEADER_BYTES + count * recordBytes];
    INTS.set(command, 0, MAGIC);
    INTS.set(command, 4, count);
    int at = HEADER_BYTES;
    for (int i = 0; i < count; i++) {
      writeRecord(command, at, firstKey + i, keyBytes, valueBytes, seed);
      at += recordBytes;
    }
    return command;
  }

  private static void writeRecord(byte[] command, int at, long key, int keyBytes, int valueBytes, long seed) {
    INTS.set(command, at, keyBytes);
    INTS.set(command, at + 4, valueBytes);
    int keyAt = at + RECORD_HEADER_BYTES;
    LONGS.set(command, keyAt, key);
    fill(command, keyAt + 8, keyBytes - 8, mix(key));
    fill(command, keyAt + keyBytes, valueBytes, mix(seed ^ mix(key)));
  }

  /** Fills {@code length} bytes at {@code at} from a SplitMix64 stream started at {@code state}. */
  private static void fill(byte[] into, int at, int length, long state) {
    int end = at + length;
    while (at + 8 <= end) {
      state += 0x9E3779B97F4A7C15L;
      LONGS.set(into, at, mix(state));
      at += 8;
    }
    long last = mix(state + 0x9E3779B97F4A7C15L);
    while (at < end) {
      into[at++] = (byte) last;
      last >>>= 8;
    }
  }

  /** SplitMix64's finalizer. */
  private static long mix(long value) {
    long z = value;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Checks that {@code command} is a well-formed batch: the magic, then exactly the records its
   * count says, each within the size bounds, and nothing after them.
   *
   * @return the number of records
   * @throws IllegalArgumentException naming what is wrong
   */
  public static int check(byte[] command) {
    if (command.length < HEADER_BYTES || (int) INTS.get(command, 0) != MAGIC) {
      throw new IllegalArgumentException("not a key/value batch: " + command.length + " bytes without the KVB1 header");
    }
    int count = (int) INTS.get(command, 4);
    if (count < 0) {
      throw new IllegalArgumentException("a key/value batch of " + count + " records");
    }
    int at = HEADER_BYTES;
    for (int i = 0; i < count; i++) {
      if (command.length - at < RECORD_HEADER_BYTES) {
        throw new IllegalArgumentException("record " + i + " of " + count + " is cut at byte " + at);
      }
      int keyBytes = (int) INTS.get(command, at);
      int valueBytes = (int) INTS.get(command, at + 4);
      if (keyBytes < MIN_KEY_BYTES || keyBytes > MAX_KEY_BYTES || valueBytes < 0 || valueBytes > MAX_VALUE_BYTES
          || command.length - at - RECORD_HEADER_BYTES < keyBytes + valueBytes) {
        throw new IllegalArgumentException("record " + i + " of " + count + " at byte " + at + ": key of "
            + keyBytes + " and value of " + valueBytes + " bytes in a batch of " + command.length);
      }
      at += RECORD_HEADER_BYTES + keyBytes + valueBytes;
    }
    if (at != command.length) {
      throw new IllegalArgumentException((command.length - at) + " bytes after the last of " + count + " records");
    }
    return count;
  }

  /**
   * The commands that write keys {@code firstKey} to {@code firstKey + keys - 1}, in order,
   * {@code perCommand} records each (the last may hold fewer); each is made when asked for.
   */
  public static Iterator<byte[]> batches(long firstKey, long keys, int perCommand, int keyBytes, int valueBytes,
      long seed) {
    recordBytes(keyBytes, valueBytes);
    if (keys < 0 || perCommand < 1) {
      throw new IllegalArgumentException(keys + " keys in commands of " + perCommand + " records");
    }
    return new Iterator<>() {
      private long next = firstKey;

      @Override
      public boolean hasNext() {
        return next < firstKey + keys;
      }

      @Override
      public byte[] next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int count = (int) Math.min(perCommand, firstKey + keys - next);
        byte[] command = command(next, count, keyBytes, valueBytes, seed);
        next += count;
        return command;
      }
    };
  }

  /** The bytes of all the commands {@link #batches} makes for these arguments, headers included. */
  public static long batchesBytes(long keys, int perCommand, int keyBytes, int valueBytes) {
    long commands = (keys + perCommand - 1) / perCommand;
    return keys * recordBytes(keyBytes, valueBytes) + commands * HEADER_BYTES;
  }

  private static void checkSizes(int keyBytes, int valueBytes) {
    if (keyBytes < MIN_KEY_BYTES || keyBytes > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key bytes must be in [" + MIN_KEY_BYTES + ", " + MAX_KEY_BYTES + "], got "
          + keyBytes);
    }
    if (valueBytes < 0 || valueBytes > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("value bytes must be in [0, " + MAX_VALUE_BYTES + "], got " + valueBytes);
    }
  }
}

package io.keel.kv.store;

/**
 * The largest keys, values and multi-key commands the store takes: checked where a command is
 * made, and again where one is decoded from the log or a snapshot, so that no input can make a
 * node allocate more than these allow.
 *
 * @param maxKeyBytes the longest key
 * @param maxValueBytes the longest value, also after APPEND
 * @param maxKeysPerCommand the most keys one DEL or MSET names
 */
public record KvLimits(int maxKeyBytes, int maxValueBytes, int maxKeysPerCommand) {

  /** Keys up to 64 KiB, values up to 16 MiB, 10,000 keys per command. */
  public static final KvLimits DEFAULTS = new KvLimits(64 * 1024, 16 * 1024 * 1024, 10_000);

  /** Checks that each limit is positive. */
  public KvLimits {
    if (maxKeyBytes < 1 || maxValueBytes < 1 || maxKeysPerCommand < 1) {
      throw new IllegalArgumentException("key-value limits must be positive: " + maxKeyBytes + ", " + maxValueBytes
          + ", " + maxKeysPerCommand);
    }
  }
}

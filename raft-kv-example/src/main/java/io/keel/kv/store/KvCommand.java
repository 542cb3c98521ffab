package io.keel.kv.store;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A write to the key-value store, as it travels in the log ({@link KvCodec}). Keys and values are
 * byte strings, as in Redis; reads are no commands (they are served by reading the store once a
 * linearizable read's index is applied). Each command applies atomically.
 */
public sealed interface KvCommand {

  /** When a {@link Set} applies: always, only if the key is absent (NX), or only if present (XX). */
  enum Condition { ALWAYS, IF_ABSENT, IF_PRESENT }

  /** SET key value [NX|XX]: answers {@link KvResult.Ok}, or {@link KvResult.NotApplied} if the condition failed. */
  record Set(byte[] key, byte[] value, Condition condition) implements KvCommand {
    /** Checks the fields. */
    public Set {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(condition, "condition");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Set that && Arrays.equals(key, that.key) && Arrays.equals(value, that.value)
          && condition == that.condition;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(key) + Arrays.hashCode(value) + condition.hashCode();
    }
  }

  /** DEL key [key ...]: answers how many of the keys existed, as {@link KvResult.Number}. */
  record Delete(List<byte[]> keys) implements KvCommand {
    /** Copies the keys; at least one. */
    public Delete {
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("DEL needs a key");
      }
      keys = List.copyOf(keys);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Delete that && Arrays.deepEquals(keys.toArray(), that.keys.toArray());
    }

    @Override
    public int hashCode() {
      return Arrays.deepHashCode(keys.toArray());
    }
  }

  /**
   * INCRBY key delta (INCR, DECR): answers the new value as {@link KvResult.Number}, or a
   * {@link KvResult.Failure} if the value is no 64-bit decimal integer or would overflow.
   */
  record IncrBy(byte[] key, long delta) implements KvCommand {
    /** Checks the key. */
    public IncrBy {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof IncrBy that && Arrays.equals(key, that.key) && delta == that.delta;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(key) + Long.hashCode(delta);
    }
  }

  /** APPEND key value: answers the value's new length as {@link KvResult.Number}. */
  record Append(byte[] key, byte[] value) implements KvCommand {
    /** Checks the fields. */
    public Append {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Append that && Arrays.equals(key, that.key) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }
  }

  /** MSET key value [key value ...]: sets every pair at once; answers {@link KvResult.Ok}. */
  record MultiSet(List<byte[]> keys, List<byte[]> values) implements KvCommand {
    /** Copies the lists; as many values as keys, at least one. */
    public MultiSet {
      if (keys.isEmpty() || keys.size() != values.size()) {
        throw new IllegalArgumentException("MSET needs pairs of keys and values, got " + keys.size() + " keys and "
            + values.size() + " values");
      }
      keys = List.copyOf(keys);
      values = List.copyOf(values);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof MultiSet that && Arrays.deepEquals(keys.toArray(), that.keys.toArray())
          && Arrays.deepEquals(values.toArray(), that.values.toArray());
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.deepHashCode(keys.toArray()) + Arrays.deepHashCode(values.toArray());
    }
  }

  /**
   * CAS key expected value: sets the value only if the key holds {@code expected} (null: only if
   * absent); answers {@link KvResult.Ok}, or {@link KvResult.NotApplied} if it held something else.
   */
  record CompareAndSet(byte[] key, byte[] expected, byte[] value) implements KvCommand {
    /** Checks the fields; {@code expected} may be null. */
    public CompareAndSet {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof CompareAndSet that && Arrays.equals(key, that.key)
          && Arrays.equals(expected, that.expected) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(key) + Arrays.hashCode(expected) + 7 * Arrays.hashCode(value);
    }
  }

  /**
   * A node of the service tells where its clients connect (its RESP and HTTP addresses, "host:port",
   * or empty when it has none), so that any node can forward a write to, or name in a redirect, the
   * leader of a group. Kept apart from the key space; answers {@link KvResult.Ok}.
   */
  record Announce(String node, String respAddress, String httpAddress) implements KvCommand {
    /** The longest node id or address an announcement carries. */
    public static final int MAX_FIELD_CHARS = 300;

    /** Checks the fields. */
    public Announce {
      for (String field : new String[] {node, respAddress, httpAddress}) {
        Objects.requireNonNull(field, "field");
        if (field.length() > MAX_FIELD_CHARS) {
          throw new IllegalArgumentException("an announced field of " + field.length() + " characters, the limit is "
              + MAX_FIELD_CHARS);
        }
      }
      if (node.isEmpty()) {
        throw new IllegalArgumentException("an announcement names no node");
      }
    }
  }
}

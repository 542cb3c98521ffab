package io.keel.kv.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What each {@link KvCommand} does, written once for every store: a store supplies the reads and
 * writes of one {@link Target}, and every replica, whichever store it runs, gives the same results.
 */
public final class KvApplier {

  /** A store as a command changes it; reads see the writes of the commands applied before. */
  public interface Target {

    /** The value of {@code key}, or null. */
    byte[] get(byte[] key);

    /** Sets {@code key} to {@code value}; the store keeps {@code value} as given, never changed after. */
    void put(byte[] key, byte[] value);

    /** Removes {@code key}; whether it held a value. */
    boolean remove(byte[] key);

    /** Records where a node's clients connect. */
    void announce(KvCommand.Announce announce);
  }

  private final KvLimits limits;

  /** Applies commands within {@code limits} (an {@code APPEND} may not grow a value past them). */
  public KvApplier(KvLimits limits) {
    this.limits = limits;
  }

  /** Applies {@code command} to {@code target}. */
  public KvResult apply(KvCommand command, Target target) {
    if (command instanceof KvCommand.Set set) {
      boolean present = target.get(set.key()) != null;
      if ((set.condition() == KvCommand.Condition.IF_ABSENT && present)
          || (set.condition() == KvCommand.Condition.IF_PRESENT && !present)) {
        return KvResult.NOT_APPLIED;
      }
      target.put(set.key(), set.value());
      return KvResult.OK;
    }
    if (command instanceof KvCommand.Delete delete) {
      long removed = 0;
      for (byte[] key : delete.keys()) {
        removed += target.remove(key) ? 1 : 0;
      }
      return new KvResult.Number(removed);
    }
    if (command instanceof KvCommand.IncrBy incr) {
      return increment(target, incr.key(), incr.delta());
    }
    if (command instanceof KvCommand.Append append) {
      return append(target, append.key(), append.value());
    }
    if (command instanceof KvCommand.MultiSet set) {
      for (int i = 0; i < set.keys().size(); i++) {
        target.put(set.keys().get(i), set.values().get(i));
      }
      return KvResult.OK;
    }
    if (command instanceof KvCommand.Announce announce) {
      target.announce(announce);
      return KvResult.OK;
    }
    KvCommand.CompareAndSet cas = (KvCommand.CompareAndSet) command;
    if (!Arrays.equals(target.get(cas.key()), cas.expected())) {
      return KvResult.NOT_APPLIED;
    }
    target.put(cas.key(), cas.value());
    return KvResult.OK;
  }

  private static KvResult increment(Target target, byte[] key, long delta) {
    byte[] current = target.get(key);
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
    target.put(key, Long.toString(next).getBytes(StandardCharsets.US_ASCII));
    return new KvResult.Number(next);
  }

  private KvResult append(Target target, byte[] key, byte[] suffix) {
    byte[] current = target.get(key);
    if (current == null) {
      current = new byte[0];
    }
    if ((long) current.length + suffix.length > limits.maxValueBytes()) {
      return new KvResult.Failure("ERR string exceeds the maximum allowed size (" + limits.maxValueBytes() + " bytes)");
    }
    byte[] joined = Arrays.copyOf(current, current.length + suffix.length); // a new array: snapshots share the old
    System.arraycopy(suffix, 0, joined, current.length, suffix.length);
    target.put(key, joined);
    return new KvResult.Number(joined.length);
  }
}

package io.keel.kv.store;

/** What a {@link KvCommand} answered; every replica answers alike. */
public sealed interface KvResult {

  /** The command applied. */
  record Ok() implements KvResult {}

  /** The command's condition did not hold (SET NX/XX, CAS): nothing changed. */
  record NotApplied() implements KvResult {}

  /** A count or a value: DEL's deleted keys, INCRBY's new value, APPEND's new length. */
  record Number(long value) implements KvResult {}

  /** The command could not apply to the value it found (INCR of a non-integer, an overflow): nothing changed. */
  record Failure(String message) implements KvResult {}

  /** The one {@link Ok}. */
  KvResult OK = new Ok();
  /** The one {@link NotApplied}. */
  KvResult NOT_APPLIED = new NotApplied();
}

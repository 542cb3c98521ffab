package io.keel.kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The store's binary form: every command and result survives the round trip; bytes from the log
 * either decode to a command that survives the round trip itself, or are refused with an
 * {@link IllegalArgumentException}, never anything else, and never after allocating what a length
 * field claims beyond the limits. (Kryo's variable-length integers accept overlong forms, so two
 * byte strings may decode to one command; each replica decodes the log's bytes alike, which is what
 * the log needs.)
 */
class KvCodecProperties {

  private static final KvLimits LIMITS = new KvLimits(64, 256, 8);
  private final KvCodec codec = new KvCodec(LIMITS);

  @Provide
  Arbitrary<byte[]> keys() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(64);
  }

  @Provide
  Arbitrary<byte[]> values() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(256);
  }

  @Provide
  Arbitrary<KvCommand> commands() {
    Arbitrary<byte[]> keys = keys();
    Arbitrary<byte[]> values = values();
    return Arbitraries.oneOf(
        Combinators.combine(keys, values, Arbitraries.of(KvCommand.Condition.class)).as(KvCommand.Set::new),
        keys.list().ofMinSize(1).ofMaxSize(8).map(KvCommand.Delete::new),
        Combinators.combine(keys, Arbitraries.longs()).as(KvCommand.IncrBy::new),
        Combinators.combine(keys, values).as(KvCommand.Append::new),
        Arbitraries.integers().between(1, 8).flatMap(n -> Combinators.combine(keys.list().ofSize(n), values.list().ofSize(n))
            .as(KvCommand.MultiSet::new)),
        Combinators.combine(keys, values.injectNull(0.3), values).as(KvCommand.CompareAndSet::new),
        Combinators.combine(Arbitraries.strings().ofMinLength(1).ofMaxLength(64),
            Arbitraries.strings().ofMaxLength(KvCommand.Announce.MAX_FIELD_CHARS),
            Arbitraries.strings().ofMaxLength(40)).as(KvCommand.Announce::new));
  }

  @Provide
  Arbitrary<KvResult> results() {
    return Arbitraries.oneOf(Arbitraries.just(KvResult.OK), Arbitraries.just(KvResult.NOT_APPLIED),
        Arbitraries.longs().map(KvResult.Number::new),
        Arbitraries.strings().ofMaxLength(100).map(KvResult.Failure::new));
  }

  @Property(tries = 2_000)
  void everyCommandSurvivesTheRoundTrip(@ForAll("commands") KvCommand command) {
    assertEquals(command, codec.decodeCommand(codec.encode(command)));
  }

  @Property(tries = 1_000)
  void everyResultSurvivesTheRoundTrip(@ForAll("results") KvResult result) {
    assertEquals(result, codec.decodeResult(codec.encode(result)));
  }

  @Property(tries = 3_000)
  void aChangedByteIsRefusedOrDecodesToACommandThatSurvivesTheRoundTrip(@ForAll("commands") KvCommand command,
      @ForAll @IntRange(min = 0, max = 10_000) int position, @ForAll byte value) {
    byte[] bytes = codec.encode(command);
    bytes[position % bytes.length] = value;
    assertRefusedOrRoundTrips(bytes);
  }

  @Property(tries = 3_000)
  void arbitraryBytesAreRefusedOrDecodeToACommandThatSurvivesTheRoundTrip(@ForAll byte[] bytes) {
    assertRefusedOrRoundTrips(bytes);
  }

  @Property(tries = 500)
  void aCutRecordIsRefused(@ForAll("commands") KvCommand command, @ForAll @IntRange(min = 1, max = 1_000) int cut) {
    byte[] bytes = codec.encode(command);
    byte[] shorter = java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length - 1 - cut % bytes.length));
    assertThrows(IllegalArgumentException.class, () -> codec.decodeCommand(shorter));
  }

  @Example
  void aLengthBeyondTheLimitsIsRefusedBeforeAnythingIsAllocated() {
    // Version 1, the SET id (10 + 2, as Kryo writes registered ids), then a key length of 2^28.
    byte[] huge = {1, 12, (byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1};
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> codec.decodeCommand(huge));
    assertTrue(refused.getMessage().contains("the limit is 64"), refused.getMessage());
  }

  @Example
  void anotherVersionAndTrailingBytesAreRefused() {
    byte[] bytes = codec.encode(new KvCommand.Delete(List.of(new byte[] {1})));
    byte[] other = bytes.clone();
    other[0] = 2;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> codec.decodeCommand(other)).getMessage()
        .contains("version 2"));
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> codec.decodeCommand(longer)).getMessage()
        .contains("trail"));
    assertThrows(IllegalArgumentException.class, () -> codec.decodeResult(bytes), "a command is no result");
  }

  private void assertRefusedOrRoundTrips(byte[] bytes) {
    KvCommand decoded;
    try {
      decoded = codec.decodeCommand(bytes);
    } catch (IllegalArgumentException refused) {
      return;
    }
    byte[] again = codec.encode(decoded);
    assertEquals(decoded, codec.decodeCommand(again), "decoded " + decoded + " does not survive the round trip");
    assertTrue(again.length <= bytes.length, "the canonical form is never longer");
  }
}

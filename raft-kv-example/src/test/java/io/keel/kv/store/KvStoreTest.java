package io.keel.kv.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.StateMachineSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each command's meaning in the store, snapshots that stream and restore exactly, and damaged ones refused. */
class KvStoreTest {

  private static final KvLimits LIMITS = new KvLimits(64, 24, 8);
  private final KvStore store = new KvStore(LIMITS);
  private long index;

  private static byte[] b(String text) {
    return text.getBytes(UTF_8);
  }

  private KvResult apply(KvCommand command) {
    return store.apply(++index, store.codec().encode(command));
  }

  @Test
  void set_honours_nx_and_xx() {
    assertEquals(KvResult.NOT_APPLIED, apply(new KvCommand.Set(b("k"), b("1"), KvCommand.Condition.IF_PRESENT)));
    assertEquals(KvResult.OK, apply(new KvCommand.Set(b("k"), b("1"), KvCommand.Condition.IF_ABSENT)));
    assertEquals(KvResult.NOT_APPLIED, apply(new KvCommand.Set(b("k"), b("2"), KvCommand.Condition.IF_ABSENT)));
    assertEquals(KvResult.OK, apply(new KvCommand.Set(b("k"), b("3"), KvCommand.Condition.IF_PRESENT)));
    assertArrayEquals(b("3"), store.get(b("k")));
  }

  @Test
  void delete_counts_the_keys_that_existed() {
    apply(new KvCommand.MultiSet(List.of(b("a"), b("b")), List.of(b("1"), b("2"))));
    assertEquals(new KvResult.Number(2), apply(new KvCommand.Delete(List.of(b("a"), b("b"), b("c")))));
    assertEquals(0, store.size());
  }

  @Test
  void incr_parses_decimal_and_refuses_what_is_not_an_integer_or_overflows() {
    assertEquals(new KvResult.Number(5), apply(new KvCommand.IncrBy(b("n"), 5)));
    assertEquals(new KvResult.Number(-2), apply(new KvCommand.IncrBy(b("n"), -7)));
    apply(new KvCommand.Set(b("n"), b(Long.toString(Long.MAX_VALUE)), KvCommand.Condition.ALWAYS));
    assertEquals(new KvResult.Failure("ERR increment or decrement would overflow"), apply(new KvCommand.IncrBy(b("n"), 1)));
    apply(new KvCommand.Set(b("s"), b("abc"), KvCommand.Condition.ALWAYS));
    assertEquals(new KvResult.Failure("ERR value is not an integer or out of range"), apply(new KvCommand.IncrBy(b("s"), 1)));
    assertArrayEquals(b("abc"), store.get(b("s")), "a refused increment changes nothing");
  }

  @Test
  void append_answers_the_new_length_within_the_value_limit() {
    assertEquals(new KvResult.Number(3), apply(new KvCommand.Append(b("k"), b("abc"))));
    assertEquals(new KvResult.Number(6), apply(new KvCommand.Append(b("k"), b("def"))));
    assertTrue(apply(new KvCommand.Append(b("k"), b("0123456789012345678"))) instanceof KvResult.Failure, "24 bytes at most");
    assertArrayEquals(b("abcdef"), store.get(b("k")));
  }

  @Test
  void an_announcement_is_kept_apart_from_the_keys_and_replaced_by_the_next() {
    assertEquals(KvResult.OK, apply(new KvCommand.Announce("n1", "127.0.0.1:7379", "")));
    assertEquals(KvResult.OK, apply(new KvCommand.Announce("n1", "127.0.0.1:7400", "127.0.0.1:8081")));
    assertEquals("127.0.0.1:7400", store.member("n1").orElseThrow().respAddress());
    assertEquals(0, store.size(), "no key holds it");
    assertThrows(IllegalArgumentException.class, () -> new KvCommand.Announce("", "a:1", ""));
    assertThrows(IllegalArgumentException.class,
        () -> new KvCommand.Announce("n1", "x".repeat(KvCommand.Announce.MAX_FIELD_CHARS + 1), ""));
  }

  @Test
  void compare_and_set_swaps_only_from_the_expected_value_or_from_absent() {
    assertEquals(KvResult.OK, apply(new KvCommand.CompareAndSet(b("k"), null, b("1"))));
    assertEquals(KvResult.NOT_APPLIED, apply(new KvCommand.CompareAndSet(b("k"), null, b("2"))));
    assertEquals(KvResult.NOT_APPLIED, apply(new KvCommand.CompareAndSet(b("k"), b("9"), b("2"))));
    assertEquals(KvResult.OK, apply(new KvCommand.CompareAndSet(b("k"), b("1"), b("2"))));
    assertArrayEquals(b("2"), store.get(b("k")));
  }

  @Test
  void a_command_beyond_the_limits_is_refused_when_made_not_when_applied() {
    assertThrows(IllegalArgumentException.class, () -> store.codec().encode(new KvCommand.Set(b("k"), new byte[25],
        KvCommand.Condition.ALWAYS)));
    assertThrows(IllegalArgumentException.class, () -> store.codec().encode(new KvCommand.Delete(
        List.of(b("1"), b("2"), b("3"), b("4"), b("5"), b("6"), b("7"), b("8"), b("9")))));
  }

  @Test
  void bytes_that_are_no_command_fail_that_entry_alike_everywhere() {
    assertThrows(IllegalArgumentException.class, () -> store.apply(1, b("SET k v")));
    assertFalse(store.exists(b("k")));
  }

  @Test
  void a_snapshot_is_the_state_when_taken_and_restores_exactly() throws IOException {
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      byte[] key = b("k" + random.nextInt(100));
      apply(random.nextBoolean() ? new KvCommand.Set(key, b("v" + i), KvCommand.Condition.ALWAYS)
          : new KvCommand.Append(key, b("+")));
    }
    apply(new KvCommand.Announce("n1", "10.0.0.1:6379", "10.0.0.1:8080"));
    apply(new KvCommand.Announce("n2", "10.0.0.2:6379", ""));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long sizeWhenTaken = store.size();
    byte[] k1WhenTaken = store.get(b("k1"));
    try (StateMachineSnapshot view = store.snapshot()) {
      apply(new KvCommand.Append(b("k1"), b("later")));                  // after the view: not in it
      apply(new KvCommand.Set(b("new"), b("later"), KvCommand.Condition.ALWAYS));
      view.writeTo(bytes);
    }
    KvStore restored = new KvStore(LIMITS);
    restored.restore(index, new ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(sizeWhenTaken, restored.size());
    assertArrayEquals(k1WhenTaken, restored.get(b("k1")));
    assertFalse(restored.exists(b("new")));
    assertEquals(store.members(), restored.members(), "the members' addresses travel in snapshots");
    assertEquals(2, restored.members().size());
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    try (StateMachineSnapshot view = restored.snapshot()) {
      view.writeTo(again);
    }
    assertArrayEquals(bytes.toByteArray(), again.toByteArray(), "the restored store snapshots to the same bytes");
  }

  @Test
  void a_damaged_snapshot_is_refused_and_changes_nothing() throws IOException {
    apply(new KvCommand.Set(b("k"), b("v"), KvCommand.Condition.ALWAYS));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (StateMachineSnapshot view = store.snapshot()) {
      view.writeTo(bytes);
    }
    byte[] good = bytes.toByteArray();
    KvStore target = new KvStore(LIMITS);
    target.apply(1, target.codec().encode(new KvCommand.Set(b("mine"), b("1"), KvCommand.Condition.ALWAYS)));
    byte[] otherVersion = good.clone();
    otherVersion[0] = 9;
    byte[] cut = Arrays.copyOf(good, good.length - 1);
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    for (byte[] damaged : List.of(otherVersion, cut, trailing)) {
      assertThrows(IOException.class, () -> target.restore(1, new ByteArrayInputStream(damaged)));
      assertTrue(target.exists(b("mine")) && target.size() == 1, "a refused restore leaves the store as it was");
    }
    assertNull(target.get(b("k")));
  }
}

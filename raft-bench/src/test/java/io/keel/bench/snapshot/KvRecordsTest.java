package io.keel.bench.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/** The key/value batches: their layout, their checks, and the load's commands. */
class KvRecordsTest {

  @Test
  void a_batch_holds_its_records_and_passes_its_check() {
    byte[] command = KvRecords.command(5, 3, 16, 100, 1);
    assertEquals(KvRecords.HEADER_BYTES + 3 * 124, command.length);
    assertEquals(3, KvRecords.check(command));
    assertEquals(0, KvRecords.check(KvRecords.command(0, 0, 8, 0, 1)));
  }

  @Test
  void the_same_key_and_seed_give_the_same_record_and_others_differ() {
    assertTrue(Arrays.equals(KvRecords.command(5, 1, 16, 100, 1), KvRecords.command(5, 1, 16, 100, 1)));
    assertFalse(Arrays.equals(KvRecords.command(5, 1, 16, 100, 1), KvRecords.command(6, 1, 16, 100, 1)));
    assertFalse(Arrays.equals(KvRecords.command(5, 1, 16, 100, 1), KvRecords.command(5, 1, 16, 100, 2)));
  }

  @Test
  void the_check_refuses_what_is_not_a_well_formed_batch() {
    byte[] good = KvRecords.command(0, 2, 16, 10, 1);
    assertThrows(IllegalArgumentException.class, () -> KvRecords.check(new byte[3]));
    assertThrows(IllegalArgumentException.class, () -> KvRecords.check(Arrays.copyOf(good, good.length - 1)));
    assertThrows(IllegalArgumentException.class, () -> KvRecords.check(Arrays.copyOf(good, good.length + 1)));
    byte[] moreRecords = good.clone();
    moreRecords[7] = 3;
    assertThrows(IllegalArgumentException.class, () -> KvRecords.check(moreRecords));
    byte[] badMagic = good.clone();
    badMagic[0] = 0;
    assertThrows(IllegalArgumentException.class, () -> KvRecords.check(badMagic));
  }

  @Test
  void batches_cover_every_key_once_and_their_bytes_are_counted_up_front() {
    Iterator<byte[]> batches = KvRecords.batches(10, 25, 10, 16, 100, 3);
    long records = 0;
    long bytes = 0;
    int commands = 0;
    while (batches.hasNext()) {
      byte[] command = batches.next();
      records += KvRecords.check(command);
      bytes += command.length;
      commands++;
    }
    assertEquals(25, records);
    assertEquals(3, commands);
    assertEquals(KvRecords.batchesBytes(25, 10, 16, 100), bytes);
    assertTrue(Arrays.equals(KvRecords.command(30, 5, 16, 100, 3), lastOf(KvRecords.batches(10, 25, 10, 16, 100, 3))));
  }

  private static byte[] lastOf(Iterator<byte[]> batches) {
    byte[] last = null;
    while (batches.hasNext()) {
      last = batches.next();
    }
    return last;
  }
}

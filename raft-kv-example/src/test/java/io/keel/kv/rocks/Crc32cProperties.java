package io.keel.kv.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Combining checksums gives the checksum of the bytes laid end to end, whatever their lengths. */
class Crc32cProperties {

  @Property(tries = 500)
  void combiningTheChecksumsOfTwoPartsGivesTheChecksumOfTheWhole(@ForAll @Size(max = 5000) byte[] whole,
      @ForAll @IntRange(min = 0, max = 5000) int cut) {
    int at = Math.min(cut, whole.length);
    byte[] first = Arrays.copyOfRange(whole, 0, at);
    byte[] second = Arrays.copyOfRange(whole, at, whole.length);
    assertEquals(Crc32c.of(whole), Crc32c.combine(Crc32c.of(first), Crc32c.of(second), second.length));
  }
}

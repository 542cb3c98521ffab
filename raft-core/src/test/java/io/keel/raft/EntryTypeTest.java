package io.keel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** One number per entry type, shared by the file log and the wire; anything else is no type. */
class EntryTypeTest {

  @Test
  void every_type_is_found_by_its_code_and_no_other_byte_names_a_type() {
    for (EntryType type : EntryType.values()) {
      assertEquals(type, EntryType.ofCode(type.code()));
    }
    int named = 0;
    for (int code = 0; code < 256; code++) {
      if (EntryType.ofCode(code) != null) {
        named++;
      }
    }
    assertEquals(EntryType.values().length, named, "each byte names at most one type, and only the types' own");
    assertNull(EntryType.ofCode(-1));
    assertEquals(0, EntryType.COMMAND.code(), "the file log's records have always used 0 for a command");
    assertEquals(1, EntryType.NO_OP.code(), "and 1 for a no-op: the number may never change");
  }
}

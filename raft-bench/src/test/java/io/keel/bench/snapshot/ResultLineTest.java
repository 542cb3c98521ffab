package io.keel.bench.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Result lines read the same for people and for tools. */
class ResultLineTest {

  @Test
  void a_line_prints_its_figures_in_order_as_words_or_as_json() {
    ResultLine line = new ResultLine("catch-up").add("seconds", 4.1234, 2).add("records", 10)
        .add("heap", Double.NaN, 0).add("same_state", true).add("node", "n3");
    assertEquals("catch-up seconds=4.12 records=10 heap=n/a same_state=true node=n3", line.human());
    assertEquals("{\"result\":\"catch-up\",\"seconds\":4.12,\"records\":10,\"heap\":null,\"same_state\":true,"
        + "\"node\":\"n3\"}", line.json());
    assertEquals("true", line.value("same_state"));
  }

  @Test
  void a_word_that_would_need_quoting_is_refused() {
    assertThrows(IllegalArgumentException.class, () -> new ResultLine("x").add("dir", "a b"));
    assertThrows(IllegalArgumentException.class, () -> new ResultLine("x").add("dir", "a\"b"));
  }
}

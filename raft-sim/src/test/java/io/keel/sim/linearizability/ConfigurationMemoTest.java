package io.keel.sim.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The memo and the set encoding it stores: equal configurations meet, different ones do not. */
class ConfigurationMemoTest {

  @Test
  void whenSameSetAndStateAreAddedAgain_thenTheMemoKnowsThem() {
    LinearizedSet set = new LinearizedSet(200, 1);
    ConfigurationMemo memo = new ConfigurationMemo();
    set.add(3);
    set.add(130);
    assertTrue(memo.add(set, 7));
    assertFalse(memo.add(set, 7));
    assertTrue(memo.add(set, 8), "another state is another configuration");
    set.remove(130);
    set.add(131);
    assertTrue(memo.add(set, 7), "another set is another configuration");
    assertEquals(3, memo.size());
  }

  @Test
  void whenSetIsReachedInAnotherOrder_thenItsEncodingAndHashAreTheSame() {
    LinearizedSet forward = new LinearizedSet(300, 5);
    LinearizedSet backward = new LinearizedSet(300, 5);
    for (int op = 0; op < 150; op++) {
      forward.add(op);
      backward.add(149 - op);
    }
    forward.add(299);
    backward.add(299);
    assertEquals(forward.hash(), backward.hash());
    assertTrue(forward.matches(backward.encode()));
    assertEquals(2, forward.fullPrefixWords(), "150 operations fill two words of 64");
    assertEquals(1 + 3, forward.encode().length, "count, then words 2 to 4 (the last holds 299)");
    backward.remove(10);
    assertEquals(0, backward.fullPrefixWords());
    assertFalse(forward.matches(backward.encode()));
  }

  @Test
  void whenConfigurationsFarBehindAreForgotten_thenOnlyThoseAreAddedAnew() {
    LinearizedSet set = new LinearizedSet(1000, 3);
    ConfigurationMemo memo = new ConfigurationMemo();
    for (int op = 0; op < 1000; op++) {
      set.add(op);
      assertTrue(memo.add(set, op));
    }
    long bytesBefore = memo.bytes();
    memo.forgetBehind(10);
    // The set {0..op} has ten full words from op = 639 on; the 639 smaller ones are forgotten.
    assertEquals(1000 - 639, memo.size());
    assertTrue(memo.bytes() < bytesBefore);
    assertFalse(memo.add(set, 999), "the newest configuration is still known");
    LinearizedSet early = new LinearizedSet(1000, 3);
    early.add(0);
    assertTrue(memo.add(early, 0), "a forgotten configuration is new again");
  }
}

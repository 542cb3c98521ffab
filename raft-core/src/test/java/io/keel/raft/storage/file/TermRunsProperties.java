package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/** {@link TermRuns} answers exactly as a plain list of one term per index would. */
class TermRunsProperties {

  /** One step: 0 appends {@code arg % 3 + lastTerm} (terms never fall), 1 truncates, 2 compacts, 3 restarts. */
  record Step(int kind, int arg) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.integers().between(0, 1000).map(a -> new Step(0, a))),
        Tuple.of(2, Arbitraries.integers().between(0, 1000).map(a -> new Step(1, a))),
        Tuple.of(2, Arbitraries.integers().between(0, 1000).map(a -> new Step(2, a))),
        Tuple.of(1, Arbitraries.integers().between(0, 1000).map(a -> new Step(3, a))));
    return step.list().ofMaxSize(300);
  }

  @Property(tries = 300)
  void agrees_with_one_term_per_index(@ForAll("steps") List<Step> steps) {
    long start = 7;
    List<Long> model = new ArrayList<>(); // model.get(i) is the term of start + 1 + i
    TermRuns runs = new TermRuns(start);
    long lastTerm = 1;
    for (Step step : steps) {
      long last = start + model.size();
      switch (step.kind()) {
        case 0 -> {
          lastTerm += step.arg() % 3 == 0 ? 1 : 0;
          runs.append(lastTerm);
          model.add(lastTerm);
        }
        case 1 -> {
          long keep = start + step.arg() % (model.size() + 1);
          runs.truncateAfter(keep);
          model.subList((int) (keep - start), model.size()).clear();
        }
        case 2 -> {
          long through = start + step.arg() % (model.size() + 3);
          runs.compactThrough(through);
          if (through >= last) {
            model.clear();
          } else if (through > start) {
            model.subList(0, (int) (through - start)).clear();
          }
          start = Math.max(start, through);
        }
        default -> {
          long after = last + step.arg() % 5;
          runs.restartAfter(after);
          model.clear();
          start = after;
        }
      }
      assertEquals(start + model.size(), runs.lastIndex());
      for (int i = 0; i < model.size(); i++) {
        assertEquals(model.get(i), runs.term(start + 1 + i), "term of " + (start + 1 + i));
      }
      assertEquals(model.stream().distinct().count(), runs.runs(), "one run per term held");
    }
  }

  @Test
  void indexes_outside_what_it_holds_are_refused() {
    TermRuns runs = new TermRuns(10);
    runs.append(2);
    runs.append(2);
    assertEquals(2, runs.term(12));
    assertThrows(IndexOutOfBoundsException.class, () -> runs.term(10));
    assertThrows(IndexOutOfBoundsException.class, () -> runs.term(13));
    assertThrows(IndexOutOfBoundsException.class, () -> runs.truncateAfter(9));
    assertThrows(IndexOutOfBoundsException.class, () -> runs.truncateAfter(13));
    assertEquals(1, runs.runs(), "two entries of one term are one run");
  }
}

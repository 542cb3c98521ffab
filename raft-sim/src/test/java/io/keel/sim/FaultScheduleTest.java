package io.keel.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

  @Test
  void aDrawnScheduleReadsBackFromItsTextExactly() {
    for (long seed = 1; seed <= 50; seed++) {
      SimulationConfig config = SimulationConfig.defaults(seed).withNodes(5).withSimulatedTime(Duration.ofSeconds(60));
      FaultSchedule drawn = Nemesis.scheduleOf(config);
      FaultSchedule parsed = FaultSchedule.parse(5, drawn.describe());
      assertEquals(drawn.describe(), parsed.describe());
      assertEquals(drawn, parsed, "seed " + seed);
    }
  }

  @Test
  void badLinesAreNamedWithTheirNumber() {
    assertEquals("schedule line 2 'at 1s explode n1': unknown fault 'explode' (expected crash, crash-leader, restart, "
            + "isolate-leader, propose, partition, pause, slow-disk, disk-error, clock-jump, lie, membership, network or heal)",
        assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse(3, "# comment\nat 1s explode n1"))
            .getMessage());
    assertEquals("schedule line 1 'at 1s crash n4': node n4 is not in a cluster of 3",
        assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse(3, "at 1s crash n4")).getMessage());
    assertEquals("schedule line 1 'at soon crash n1': not a duration: 'soon' (expected e.g. 250us, 15ms, 2.5s)",
        assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse(3, "at soon crash n1")).getMessage());
    assertEquals("schedule line 1 'network drop=0.9': dropProbability must be between 0 and 0.5, got 0.9",
        assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse(3, "network drop=0.9")).getMessage());
  }

  @Test
  void partitionsReadBackFromTheirDescription() {
    for (Partition partition : new Partition[] {Partition.isolate(5, 2), Partition.split(5, 1, 4),
        Partition.asymmetric(5, 3), Partition.bridge(5, 3, 1, 2), Partition.cutLinks(5, new int[] {1, 2}),
        Partition.none(5)}) {
      assertEquals(partition, Partition.parse(5, partition.describe()), partition.describe());
    }
    Partition bridge = Partition.bridge(5, 3, 1, 2);
    assertEquals(false, bridge.reaches(1, 4));
    assertEquals(true, bridge.reaches(3, 4));
    assertEquals(true, bridge.reaches(1, 2));
    Partition deaf = Partition.asymmetric(3, 3);
    assertEquals(true, deaf.reaches(3, 1), "the deaf node is heard");
    assertEquals(false, deaf.reaches(1, 3), "but hears nothing");
  }

  @Test
  void durationsRoundTrip() {
    for (String text : new String[] {"0ms", "250us", "15ms", "2.5s", "1.234567s", "1.5ms", "100ns"}) {
      assertEquals(text, Durations.format(Durations.parse(text)));
    }
    assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
  }
}

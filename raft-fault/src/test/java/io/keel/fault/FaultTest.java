package io.keel.fault;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short form of the fault test, for CI: five real {@code keel-kv server} processes (in network
 * namespaces where they can be made), every fault kind, two fixed seeds of about a minute each.
 * The long form is {@code java -jar raft-fault/target/keel-fault.jar --minutes 30}
 * (docs/fault-testing.md).
 */
class FaultTest {

  private static final long[] SEEDS = {1, 2};

  @Test
  void two_seeds_of_every_fault_pass_every_check(@TempDir Path dir) throws Exception {
    for (long seed : SEEDS) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
      FaultRunner.Settings settings = new FaultRunner.Settings(seed, 5, 2, 5, 6, Duration.ofSeconds(35),
          Duration.ofSeconds(6), Duration.ofMillis(500), EnumSet.allOf(Nemesis.Fault.class),
          dir.resolve("seed-" + seed), "linearizable");
      FaultRunner.Outcome outcome = new FaultRunner(settings, out).run();
      System.out.print(printed.toString(StandardCharsets.UTF_8)); // the summary, in the build's output
      assertTrue(outcome.passed(), outcome.summary());
    }
  }
}

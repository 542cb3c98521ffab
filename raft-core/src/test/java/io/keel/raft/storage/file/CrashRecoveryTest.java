package io.keel.raft.storage.file;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.keel.raft.LogEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that appends to a {@link FileLogStore} with SIGKILL at random moments, many
 * times over the same directory, and checks after each kill that the directory opens and that
 * every entry the process had been told was durable is there, intact. Truncations and compactions
 * are killed in the middle too.
 */
class CrashRecoveryTest {

  /** Kills per run; CI runs them all (two directories in parallel, one per core). */
  static final int KILLS = Integer.getInteger("keel.crash.kills", 200);
  /** A child is killed after 1 to this many reported events (appends, durability reports, ...). */
  private static final int MAX_EVENTS_BEFORE_KILL = 400;

  @TempDir
  Path root;

  @Test
  void everyAcknowledgedEntrySurvivesRepeatedKills() throws Exception {
    long seed = Long.getLong("keel.crash.seed", System.nanoTime());
    System.out.println("CrashRecoveryTest seed " + seed + " (rerun with -Dkeel.crash.seed=" + seed + ")");
    List<Thread> workers = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    int[] kills = new int[2];
    Expectation[] expectations = {new Expectation(), new Expectation()};
    for (int worker = 0; worker < 2; worker++) {
      int number = worker;
      Thread thread = new Thread(() -> {
        try {
          kills[number] = killRepeatedly(root.resolve("log-" + number), new Random(seed + number), KILLS / 2,
              expectations[number]);
        } catch (Throwable e) {
          errors.add(e);
        }
      }, "crash-worker-" + worker);
      workers.add(thread);
      thread.start();
    }
    for (Thread thread : workers) {
      thread.join();
    }
    if (!errors.isEmpty()) {
      AssertionError error = new AssertionError("seed " + seed + ": " + errors.get(0), errors.get(0));
      errors.stream().skip(1).forEach(error::addSuppressed);
      throw error;
    }
    assertEquals(KILLS, kills[0] + kills[1]);
    long reports = expectations[0].reports + expectations[1].reports;
    long truncations = expectations[0].truncations + expectations[1].truncations;
    long compactions = expectations[0].compactions + expectations[1].compactions;
    long entries = expectations[0].entriesChecked + expectations[1].entriesChecked;
    System.out.printf("CrashRecoveryTest: %d kills, %d durability reports, %d truncations, %d compactions,"
        + " %d entries checked after reopens%n", KILLS, reports, truncations, compactions, entries);
    assertTrue(reports > KILLS && truncations > 0 && compactions > 0, "the children did too little to test anything");
  }

  private static int killRepeatedly(Path dir, Random random, int kills, Expectation expected) throws Exception {
    for (int generation = 1; generation <= kills; generation++) {
      Path events = dir.resolveSibling(dir.getFileName() + ".events-" + generation);
      Process child = start(dir, generation, random.nextLong(), events);
      awaitReady(events, child, dir);
      // The kill point: after a random number of the child's reported events, not a random time.
      awaitEvents(events, child, 1 + random.nextInt(MAX_EVENTS_BEFORE_KILL));
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child did not end");
      for (String line : Files.readAllLines(events, StandardCharsets.UTF_8)) {
        expected.read(line);
      }
      Files.delete(events);
      expected.checkAndReset(dir, generation);
    }
    return kills;
  }

  private static Process start(Path dir, int generation, long seed, Path events) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
        "-Xss512k", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString(),
        Integer.toString(generation), Long.toString(seed), events.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static void awaitReady(Path events, Process child, Path dir) {
    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
          .until(() -> !child.isAlive() || (Files.exists(events)
              && Files.readString(events, StandardCharsets.UTF_8).startsWith("READY")));
    } catch (ConditionTimeoutException e) {
      child.destroyForcibly();
      fail("the child did not start on " + dir + " within 30 s");
    }
    if (!child.isAlive()) {
      fail("the child ended before it was ready on " + dir + ", exit " + child.exitValue());
    }
  }

  /** Waits until the child has reported {@code count} events after READY, or has ended, or 10 s passed. */
  private static void awaitEvents(Path events, Process child, int count) {
    try {
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
          .until(() -> !child.isAlive() || lineCount(events) > count);
    } catch (ConditionTimeoutException e) {
      // a child slow to report is killed where it stands: any point is a valid kill point
    }
  }

  private static long lineCount(Path events) throws IOException {
    try (var lines = Files.lines(events, StandardCharsets.UTF_8)) {
      return lines.count();
    } catch (java.io.UncheckedIOException e) {
      return 0; // a line being written: count again
    }
  }

  /** What the reopened log must hold, from what the child said before it was killed. */
  static final class Expectation {
    /** The term of each entry known durable, from firstIndex to lastIndex. */
    final Map<Long, Long> durableTerms = new HashMap<>();
    long firstIndex = 1;
    long lastIndex;
    /** Terms of entries the child appended since, not yet known durable. */
    final Map<Long, Long> issuedTerms = new HashMap<>();
    /** The lowest index a truncation not yet known durable removes from, or -1. */
    long pendingTruncation = -1;
    /** Compactions (index, term) not yet known durable, in order: a crash may leave any prefix of them done. */
    final List<long[]> pendingCompactions = new ArrayList<>();
    long reports;
    long truncations;
    long compactions;
    long entriesChecked;

    final java.util.ArrayDeque<String> recentLines = new java.util.ArrayDeque<>();

    void read(String line) {
      recentLines.addLast(line);
      if (recentLines.size() > 40) {
        recentLines.removeFirst();
      }
      String[] parts = line.split(" ");
      switch (parts[0]) {
        case "A" -> {
          if (parts.length == 4) {
            for (long index = Long.parseLong(parts[1]); index <= Long.parseLong(parts[2]); index++) {
              issuedTerms.put(index, Long.parseLong(parts[3]));
            }
          }
        }
        case "T" -> {
          long from = Long.parseLong(parts[1]);
          pendingTruncation = pendingTruncation < 0 ? from : Math.min(pendingTruncation, from);
          truncations++;
        }
        case "C" -> {
          pendingCompactions.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
          compactions++;
        }
        case "D" -> {
          if (parts.length == 3) {
            durable(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
          }
        }
        default -> { }
      }
    }

    /** A report that every entry up to {@code index} is durable: what came before it is too. */
    private void durable(long index, long term) {
      if (pendingTruncation >= 0) {
        for (long i = pendingTruncation; i <= lastIndex; i++) {
          durableTerms.remove(i);
        }
        lastIndex = Math.min(lastIndex, pendingTruncation - 1);
        pendingTruncation = -1;
      }
      if (!pendingCompactions.isEmpty()) {
        long compactedTo = pendingCompactions.get(pendingCompactions.size() - 1)[0];
        for (long i = firstIndex; i <= compactedTo; i++) {
          durableTerms.remove(i);
        }
        firstIndex = compactedTo + 1;
        pendingCompactions.clear();
      }
      reports++;
      assertEquals(term, (long) issuedTerms.get(index), "report " + index + "@" + term + " names no appended entry");
      for (long i = lastIndex + 1; i <= index; i++) {
        durableTerms.put(i, issuedTerms.get(i));
      }
      lastIndex = Math.max(lastIndex, index);
    }

    void checkAndReset(Path dir, int generation) throws IOException {
      try (FileLogStore store = FileLogStore.open(dir, FileLogStoreOptions.defaults().withSegmentSizeBytes(16 * 1024),
          new RecordingListener())) {
        String where = "after kill " + generation + " of " + dir + " (" + store.recoveryNotes() + "); the child's last lines: "
            + recentLines;
        long[] done = pendingCompactions.stream().filter(compaction -> compaction[0] + 1 == store.firstIndex())
            .findFirst().orElse(null);
        if (done != null) {
          assertEquals(done[1], store.term(done[0]), where);
        } else {
          assertEquals(firstIndex, store.firstIndex(), "first index " + where);
        }
        long mustHold = pendingTruncation >= 0 ? Math.min(lastIndex, pendingTruncation - 1) : lastIndex;
        assertTrue(store.lastIndex() >= mustHold, "lost acknowledged entries up to " + mustHold + ", the log ends at "
            + store.lastIndex() + " " + where);
        for (long index = store.firstIndex(); index <= store.lastIndex(); index++) {
          LogEntry entry = store.entry(index);
          entriesChecked++;
          assertTrue(CrashChild.intact(entry), "entry " + entry + " is not what was appended " + where);
          if (index <= mustHold) {
            assertEquals(durableTerms.get(index), entry.term(), "acknowledged entry " + index + " changed " + where);
          } else {
            Long issued = issuedTerms.get(index);
            assertTrue(entry.term() == (issued == null ? -1 : issued) || entry.term() == durableTerms.getOrDefault(index, -1L),
                "entry " + entry + " beyond the acknowledged log was never appended (issued term " + issued
                    + ", acknowledged term " + durableTerms.get(index) + ", acknowledged up to " + lastIndex
                    + ", pending truncation from " + pendingTruncation + ", log " + store.firstIndex() + ".."
                    + store.lastIndex() + ") " + where);
          }
        }
        durableTerms.clear();
        issuedTerms.clear();
        firstIndex = store.firstIndex();
        lastIndex = store.lastIndex();
        for (long index = firstIndex; index <= lastIndex; index++) {
          durableTerms.put(index, store.term(index));
          issuedTerms.put(index, store.term(index));
        }
        pendingTruncation = -1;
        pendingCompactions.clear();
        recentLines.clear();
      }
    }
  }
}

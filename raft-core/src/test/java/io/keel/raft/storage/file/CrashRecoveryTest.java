package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.keel.raft.LogEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
      Process child = start(dir, generation, random.nextLong());
      List<String> lines = new ArrayList<>();
      Thread reader = new Thread(() -> readLines(child, lines));
      reader.start();
      awaitReady(lines, child, dir);
      Thread.sleep(random.nextInt(120));
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child did not end");
      reader.join(TimeUnit.SECONDS.toMillis(30));
      synchronized (lines) {
        for (String line : lines) {
          expected.read(line);
        }
      }
      expected.checkAndReset(dir, generation);
    }
    return kills;
  }

  private static Process start(Path dir, int generation, long seed) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
        "-Xss512k", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString(),
        Integer.toString(generation), Long.toString(seed))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static void readLines(Process child, List<String> lines) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the pipe closes when the child is killed
    }
  }

  private static void awaitReady(List<String> lines, Process child, Path dir) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    synchronized (lines) {
      while (lines.isEmpty() || !lines.get(0).startsWith("READY")) {
        if (!lines.isEmpty() || !child.isAlive()) {
          fail("the child did not start on " + dir + ": " + lines);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail("the child did not start within 30 s on " + dir);
        }
        TimeUnit.NANOSECONDS.timedWait(lines, left);
      }
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
    long pendingTruncation = -1;
    long[] pendingCompaction;
    long reports;
    long truncations;
    long compactions;
    long entriesChecked;

    void read(String line) {
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
          pendingTruncation = Long.parseLong(parts[1]);
          truncations++;
        }
        case "C" -> {
          pendingCompaction = new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
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
      if (pendingCompaction != null) {
        for (long i = firstIndex; i <= pendingCompaction[0]; i++) {
          durableTerms.remove(i);
        }
        firstIndex = pendingCompaction[0] + 1;
        pendingCompaction = null;
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
        String where = "after kill " + generation + " of " + dir + " (" + store.recoveryNotes() + ")";
        boolean compacted = pendingCompaction != null && store.firstIndex() == pendingCompaction[0] + 1;
        if (compacted) {
          assertEquals(pendingCompaction[1], store.term(pendingCompaction[0]), where);
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
                "entry " + entry + " beyond the acknowledged log was never appended " + where);
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
        pendingCompaction = null;
      }
    }
  }
}

package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.snapshot.Payloads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A payload of hundreds of megabytes goes through the file store (taken through a stream,
 * verified on open, restored through a stream, sent in chunks into another store's receive) in a
 * process whose heap is 32 MiB and whose direct memory is 8 MiB: nothing on the way holds it whole.
 */
class LargeSnapshotTest {

  private static final long SIZE = 384L << 20;
  private static final long SEED = 2024;

  @TempDir
  Path dir;

  @Test
  void hundredsOfMegabytesGoThroughA32MiBHeap() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-Xmx32m", "-XX:MaxDirectMemorySize=8m", "-XX:+UseSerialGC",
        "-Xshare:auto", "-cp", System.getProperty("java.class.path"), LargeSnapshotChild.class.getName(),
        dir.toString(), Long.toString(SIZE), Long.toString(SEED))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child finishes");
    assertEquals(0, child.exitValue(), "the child succeeds: " + output);
    long expected = Payloads.crc(SEED, SIZE);
    assertTrue(output.startsWith("taken " + expected + " received " + expected + " heap "), output);
    long heap = Long.parseLong(output.substring(output.lastIndexOf(' ') + 1));
    assertTrue(heap <= 32L << 20, "the child's heap: " + heap);
  }
}

package io.keel.bench.storage;

import io.keel.bench.BenchFiles;
import io.keel.raft.NodeId;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import io.keel.raft.snapshot.SnapshotSource;
import io.keel.raft.storage.file.FileSnapshotStore;
import io.keel.raft.storage.file.FileSnapshotStoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The file snapshot store against the raw disk, for one large snapshot: writing it (a state
 * machine's stream of 1 MiB writes into a sink, then {@code finish()}: CRC, header, fsync, rename,
 * directory fsync) against one plain {@link FileChannel} write of the same bytes and one
 * {@code force}; and reading it back (a source's verifying stream, read to its end in 1 MiB reads)
 * against plain 1 MiB channel reads, once from the page cache and once from the disk (the file's
 * cached pages dropped with {@code dd iflag=nocache count=0}, Linux). Also the time to open the
 * store with its payload verified, from the disk. Each round writes both files, then reads both
 * from the cache, then both from the disk; which side goes first alternates from round to round,
 * since this disk's speed drifts. Prints each round and the median of each column.
 *
 * <p>Usage: {@code java -cp raft-bench.jar io.keel.bench.storage.SnapshotThroughputComparison [MiB] [ROUNDS]}
 * (default 1024 MiB, 5 rounds); files go to {@code -Dkeel.bench.dir} (default the temporary directory).
 */
public final class SnapshotThroughputComparison {

  private static final int BLOCK_BYTES = 1 << 20;
  /** The defaults, but opening does not read the payload (the benchmark times that apart). */
  private static final FileSnapshotStoreOptions OPTIONS = FileSnapshotStoreOptions.defaults().withVerifyOnOpen(false);
  private static final SnapshotMeta META = new SnapshotMeta(1_000_000, 5, List.of(NodeId.of("n1"), NodeId.of("n2"),
      NodeId.of("n3")));

  private SnapshotThroughputComparison() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    long sizeBytes = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path root = Files.createTempDirectory(Path.of(System.getProperty("keel.bench.dir",
        System.getProperty("java.io.tmpdir"))), "keel-bench-snapshot");
    byte[] block = new byte[BLOCK_BYTES];
    new Random(1).nextBytes(block);
    System.out.printf("%d MiB snapshot, %d rounds, max heap %d MiB%n", sizeBytes >> 20, rounds,
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.println("| round | write: store MB/s | raw MB/s | store/raw | hot read: store MB/s | raw MB/s | store/raw"
        + " | cold read: store MB/s | raw MB/s | store/raw | cold open, verifying: store MB/s | raw MB/s | store/raw |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    long[][] nanos = new long[rounds][];
    try {
      for (int round = 0; round < rounds; round++) {
        nanos[round] = round(root.resolve("round-" + round), sizeBytes, block, round % 2 == 0);
        print(Integer.toString(round + 1), sizeBytes, nanos[round]);
      }
      long[] medians = new long[nanos[0].length];
      for (int column = 0; column < medians.length; column++) {
        long[] values = new long[rounds];
        for (int round = 0; round < rounds; round++) {
          values[round] = nanos[round][column];
        }
        Arrays.sort(values);
        medians[column] = values[rounds / 2];
      }
      print("median", sizeBytes, medians);
    } finally {
      BenchFiles.deleteRecursively(root);
    }
  }

  private static void print(String round, long sizeBytes, long[] nanos) {
    StringBuilder row = new StringBuilder("| " + round);
    for (int pair = 0; pair < nanos.length; pair += 2) {
      row.append(" | ").append(rate(sizeBytes, nanos[pair])).append(" | ").append(rate(sizeBytes, nanos[pair + 1]))
          .append(" | ").append(ratio(nanos[pair + 1], nanos[pair]));
    }
    System.out.println(row.append(" |"));
  }

  /**
   * One round: both files written, then both read from the page cache, then both from the disk,
   * then the store opened with verification against the raw file read from the disk again; the
   * store first if {@code storeFirst}, each step. Returns the nanoseconds of each pair, store then
   * raw: write, hot read, cold read, cold open or read (-1 if the cache cannot be dropped).
   */
  private static long[] round(Path dir, long sizeBytes, byte[] block, boolean storeFirst)
      throws IOException, InterruptedException {
    Path storeDir = dir.resolve("store");
    Path rawFile = dir.resolve("raw");
    Files.createDirectories(dir);
    long[] nanos = new long[8];
    SnapshotInfo info = null;
    for (boolean store : new boolean[] {storeFirst, !storeFirst}) {
      long start = System.nanoTime();
      if (store) {
        info = writeStore(storeDir, sizeBytes, block);
      } else {
        writeRaw(rawFile, sizeBytes, block);
      }
      nanos[store ? 0 : 1] = System.nanoTime() - start;
    }
    Path storeFile = storeDir.resolve(info.name());
    for (int phase = 1; phase <= 3; phase++) {
      for (boolean store : new boolean[] {storeFirst, !storeFirst}) {
        int column = 2 * phase + (store ? 0 : 1);
        if (phase > 1 && !(dropCache(storeFile) && dropCache(rawFile))) {
          nanos[column] = -1;
        } else if (!store) {
          nanos[column] = readRaw(rawFile, sizeBytes);
        } else if (phase < 3) {
          nanos[column] = readStore(storeDir, info);
        } else {
          long start = System.nanoTime();
          FileSnapshotStore.open(storeDir, FileSnapshotStoreOptions.defaults()).close();
          nanos[column] = System.nanoTime() - start;
        }
      }
    }
    BenchFiles.deleteRecursively(dir);
    return nanos;
  }

  private static SnapshotInfo writeStore(Path dir, long sizeBytes, byte[] block) throws IOException {
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS); SnapshotSink sink = store.create(META)) {
      OutputStream out = sink.stream();
      for (long written = 0; written < sizeBytes; written += block.length) {
        out.write(block, 0, (int) Math.min(block.length, sizeBytes - written));
      }
      return sink.finish();
    }
  }

  private static long readStore(Path dir, SnapshotInfo info) throws IOException {
    byte[] target = new byte[BLOCK_BYTES];
    long start = System.nanoTime();
    try (FileSnapshotStore store = FileSnapshotStore.open(dir, OPTIONS); SnapshotSource source = store.open(info);
        InputStream in = source.stream()) {
      long read = 0;
      for (int count; (count = in.read(target)) >= 0; ) {
        read += count;
      }
      if (read != info.sizeBytes()) {
        throw new IllegalStateException("read " + read + " of " + info.sizeBytes() + " bytes");
      }
    }
    return System.nanoTime() - start;
  }

  private static void writeRaw(Path file, long sizeBytes, byte[] block) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK_BYTES);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long written = 0; written < sizeBytes; ) {
        buffer.clear().put(block, 0, (int) Math.min(block.length, sizeBytes - written)).flip();
        while (buffer.hasRemaining()) {
          written += channel.write(buffer, written);
        }
      }
      channel.force(false);
    }
  }

  private static long readRaw(Path file, long sizeBytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK_BYTES);
    long start = System.nanoTime();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long read = 0;
      for (int count; (count = channel.read(buffer.clear(), read)) >= 0; ) {
        read += count;
      }
      if (read != sizeBytes) {
        throw new IllegalStateException("read " + read + " of " + sizeBytes + " bytes");
      }
    }
    return System.nanoTime() - start;
  }

  /** Drops the file's pages from the page cache (they are clean: it was forced); false if dd cannot. */
  private static boolean dropCache(Path file) throws IOException, InterruptedException {
    Process dd = new ProcessBuilder("dd", "if=" + file, "iflag=nocache", "count=0", "status=none")
        .redirectErrorStream(true).start();
    dd.getInputStream().readAllBytes();
    return dd.waitFor() == 0;
  }

  private static String rate(long bytes, long nanos) {
    return nanos < 0 ? "n/a" : String.format("%.0f", bytes / 1e6 / (nanos / 1e9));
  }

  private static String ratio(long rawNanos, long storeNanos) {
    return rawNanos < 0 || storeNanos < 0 ? "n/a" : String.format("%.2f", (double) rawNanos / storeNanos);
  }

}

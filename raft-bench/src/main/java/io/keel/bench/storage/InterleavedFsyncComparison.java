package io.keel.bench.storage;

import java.io.IOException;
import java.util.Arrays;

/**
 * The file store against the raw write+fsync limit, measured batch by batch in alternation, so
 * that the drift of a shared disk (its fsync time can change tenfold within a minute) hits both
 * alike; which of the two goes first alternates too, since the second fsync of a pair is
 * systematically cheaper or dearer. The JMH benchmarks measure each side for seconds at a time
 * and cannot cancel that drift. Prints, per entry size and batch size, appends per second and
 * MB/s of each and their ratio, and the median and 90th percentile of single 100-byte appends.
 *
 * <p>Usage: {@code java -cp raft-bench.jar io.keel.bench.storage.InterleavedFsyncComparison [ROUNDS]}
 * (default 400 measured rounds per case, after 50 to warm up).
 */
public final class InterleavedFsyncComparison {

  private static final int WARMUP_ROUNDS = 50;

  private InterleavedFsyncComparison() {}

  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    System.out.println("| entry | batch | store appends/s | store MB/s | raw appends/s | raw MB/s | store/raw |");
    System.out.println("|---|---|---|---|---|---|---|");
    long[][] singleAppend = null;
    for (int entryBytes : new int[] {100, 4096}) {
      for (int batchSize : new int[] {1, 16, 256}) {
        long[][] nanos = measure(entryBytes, batchSize, rounds);
        if (entryBytes == 100 && batchSize == 1) {
          singleAppend = nanos;
        }
        double storeSeconds = Arrays.stream(nanos[0]).sum() / 1e9;
        double rawSeconds = Arrays.stream(nanos[1]).sum() / 1e9;
        double storeAppends = (double) rounds * batchSize / storeSeconds;
        double rawAppends = (double) rounds * batchSize / rawSeconds;
        int recordBytes = entryBytes + RawFileState.RECORD_OVERHEAD_BYTES;
        System.out.printf("| %d B | %d | %,.0f | %.2f | %,.0f | %.2f | %.2f |%n", entryBytes, batchSize, storeAppends,
            storeAppends * recordBytes / 1e6, rawAppends, rawAppends * recordBytes / 1e6, storeAppends / rawAppends);
      }
    }
    Arrays.sort(singleAppend[0]);
    Arrays.sort(singleAppend[1]);
    System.out.printf("%nsingle 100-byte append, durable: median %.0f us, p90 %.0f us; one raw write+fsync: median %.0f us,"
        + " p90 %.0f us; ratio of medians %.2f%n", percentile(singleAppend[0], 0.5), percentile(singleAppend[0], 0.9),
        percentile(singleAppend[1], 0.5), percentile(singleAppend[1], 0.9),
        percentile(singleAppend[0], 0.5) / percentile(singleAppend[1], 0.5));
  }

  /** Per measured round, the nanoseconds of one store batch ([0]) and one raw batch ([1]). */
  private static long[][] measure(int entryBytes, int batchSize, int rounds) throws IOException {
    FileStoreState store = new FileStoreState(entryBytes);
    RawFileState raw = new RawFileState(entryBytes, batchSize);
    long[][] nanos = new long[2][rounds];
    try {
      for (int round = 0; round < WARMUP_ROUNDS + rounds; round++) {
        long storeNanos;
        long rawNanos;
        if (round % 2 == 0) {
          storeNanos = timeStore(store, batchSize);
          rawNanos = timeRaw(raw);
        } else {
          rawNanos = timeRaw(raw);
          storeNanos = timeStore(store, batchSize);
        }
        if (round >= WARMUP_ROUNDS) {
          nanos[0][round - WARMUP_ROUNDS] = storeNanos;
          nanos[1][round - WARMUP_ROUNDS] = rawNanos;
        }
      }
    } finally {
      store.close();
      raw.close();
    }
    return nanos;
  }

  private static long timeStore(FileStoreState store, int batchSize) {
    long start = System.nanoTime();
    store.appendDurably(batchSize);
    return System.nanoTime() - start;
  }

  private static long timeRaw(RawFileState raw) throws IOException {
    long start = System.nanoTime();
    raw.writeDurably();
    return System.nanoTime() - start;
  }

  private static double percentile(long[] sorted, double fraction) {
    return sorted[(int) Math.min(sorted.length - 1, Math.round(fraction * (sorted.length - 1)))] / 1e3;
  }
}

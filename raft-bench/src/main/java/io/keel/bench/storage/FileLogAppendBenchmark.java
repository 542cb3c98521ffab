package io.keel.bench.storage;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Durable appends per second of the {@code FileLogStore} (fsync per batch): one operation appends
 * {@code batchSize} entries of {@code entryBytes} bytes in one call and waits for the durability
 * report of the last. Multiply the score (batches per second) by {@code batchSize} for appends per
 * second. {@link RawFsyncBenchmark} measures the disk's own limit for the same bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FileLogAppendBenchmark {

  @Param({"100", "4096"})
  public int entryBytes;

  @Param({"1", "16", "256"})
  public int batchSize;

  private FileStoreState state;

  @Setup(Level.Trial)
  public void open() throws IOException {
    state = new FileStoreState(entryBytes);
  }

  @TearDown(Level.Iteration)
  public void dropWrittenLog() {
    state.compact();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    state.close();
  }

  /** One batch appended and durable. */
  @Benchmark
  public void appendBatchDurably() {
    state.appendDurably(batchSize);
  }
}

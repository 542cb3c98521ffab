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
 * The disk's raw limit for {@link FileLogAppendBenchmark}'s workload: per operation, the bytes of
 * {@code batchSize} records of {@code entryBytes}-byte commands written with one call and forced
 * with one {@code force(false)}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RawFsyncBenchmark {

  @Param({"100", "4096"})
  public int entryBytes;

  @Param({"1", "16", "256"})
  public int batchSize;

  private RawFileState state;

  @Setup(Level.Trial)
  public void open() throws IOException {
    state = new RawFileState(entryBytes, batchSize);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    state.close();
  }

  /** One batch's bytes written and forced. */
  @Benchmark
  public void writeBatchDurably() throws IOException {
    state.writeDurably();
  }
}

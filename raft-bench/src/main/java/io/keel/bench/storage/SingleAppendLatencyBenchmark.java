package io.keel.bench.storage;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The latency of one 100-byte append, from the call to its durability report, beside the latency
 * of one raw write and fsync of the same record's bytes (sampled: the scores are distributions).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SingleAppendLatencyBenchmark {

  private FileStoreState store;
  private RawFileState raw;

  @Setup(Level.Trial)
  public void open() throws IOException {
    store = new FileStoreState(100);
    raw = new RawFileState(100, 1);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    raw.close();
  }

  /** One 100-byte entry appended to the store and reported durable. */
  @Benchmark
  public void fileStoreAppend() {
    store.appendDurably(1);
  }

  /** One 129-byte record written and forced, nothing else. */
  @Benchmark
  public void rawWriteAndFsync() throws IOException {
    raw.writeDurably();
  }
}

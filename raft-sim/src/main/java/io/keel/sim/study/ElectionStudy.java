package io.keel.sim.study;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The election-timing study that reproduces the Raft paper's Figure 16: for each cell (an election
 * timeout range under PreVote on or off), many {@link ElectionTrial}s, trial {@code i} with seed
 * {@code startSeed + i}, run in parallel. Each result lands in its own slot, so the results depend on
 * the seeds only, never on the number of threads or their timing.
 */
public final class ElectionStudy {

  /** The trials of one cell, in seed order. */
  public record CellResults(StudyCell cell, List<TrialResult> trials) {
    /** The cell's figures. */
    public CellSummary summary() {
      return CellSummary.of(cell, trials);
    }
  }

  private final List<StudyCell> cells;
  private final int[] trials;
  private final long startSeed;
  private final Duration cap;

  /**
   * A study of {@code cells}, cell {@code i} taking {@code trials[i]} trials, from seed
   * {@code startSeed}, each trial giving up {@code cap} after the crash.
   */
  public ElectionStudy(List<StudyCell> cells, int[] trials, long startSeed, Duration cap) {
    this.cells = List.copyOf(cells);
    this.trials = trials.clone();
    this.startSeed = startSeed;
    this.cap = Objects.requireNonNull(cap, "cap");
    if (this.cells.isEmpty() || this.cells.size() != this.trials.length) {
      throw new IllegalArgumentException("need one trial count per cell, and at least one cell");
    }
    for (int count : this.trials) {
      if (count < 1) {
        throw new IllegalArgumentException("every cell needs at least one trial, got " + count);
      }
    }
  }

  /**
   * Runs every trial on {@code threads} threads; {@code onCellDone} hears of each cell as its last
   * trial ends (from a worker thread).
   *
   * @throws IllegalStateException if a trial broke a safety property (which would be a bug)
   */
  public List<CellResults> run(int threads, Consumer<CellResults> onCellDone) throws InterruptedException {
    TrialResult[][] results = new TrialResult[cells.size()][];
    AtomicInteger[] remaining = new AtomicInteger[cells.size()];
    List<int[]> work = new ArrayList<>();
    for (int cell = 0; cell < cells.size(); cell++) {
      results[cell] = new TrialResult[trials[cell]];
      remaining[cell] = new AtomicInteger(trials[cell]);
      for (int trial = 0; trial < trials[cell]; trial++) {
        work.add(new int[] {cell, trial});
      }
    }
    // The ranges with the least randomness take longest: start them first so they end in parallel.
    work.sort(Comparator.comparingInt(unit -> cells.get(unit[0]).range().spreadMillis()));
    AtomicInteger next = new AtomicInteger();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < Math.max(1, threads); t++) {
      Thread worker = new Thread(() -> {
        for (int i = next.getAndIncrement(); i < work.size() && failure.get() == null; i = next.getAndIncrement()) {
          int cell = work.get(i)[0];
          int trial = work.get(i)[1];
          try {
            results[cell][trial] = ElectionTrial.run(cells.get(cell), cap, startSeed + trial);
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            return;
          }
          if (remaining[cell].decrementAndGet() == 0) {
            onCellDone.accept(new CellResults(cells.get(cell), Arrays.asList(results[cell])));
          }
        }
      }, "election-study-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get().getMessage(), failure.get());
    }
    List<CellResults> all = new ArrayList<>();
    for (int cell = 0; cell < cells.size(); cell++) {
      all.add(new CellResults(cells.get(cell), List.of(results[cell])));
    }
    return all;
  }
}

package io.keel.sim.linearizability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Judges key-value histories for linearizability. Each key is a separate register, and a history
 * is linearizable exactly when every key's sub-history is (Herlihy and Wing's locality, which Lowe
 * calls P-compositionality), so keys are checked independently and in parallel, on a pool with
 * one thread per core that lives as long as the checker.
 *
 * <p>One checker can judge many histories in turn; close it to stop its threads.
 */
public final class LinearizabilityChecker implements AutoCloseable {

  /**
   * The most time spent shrinking one key's counterexample, so that a history with many broken
   * keys does not spend its whole time bound on explanations.
   */
  private static final long MAX_SHRINK_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final CheckLimits limits;
  private final ExecutorService keyPool;

  /** A checker bounded by {@code limits}, with {@code limits.parallelism()} threads. */
  public LinearizabilityChecker(CheckLimits limits) {
    this.limits = limits;
    this.keyPool = Executors.newFixedThreadPool(limits.parallelism(), runnable -> {
      Thread thread = new Thread(runnable, "linearizability-key-check");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Reads and judges the history in {@code file}; bad input is a result, not an exception. */
  public CheckResult check(Path file) throws IOException {
    long startNanos = System.nanoTime();
    History history;
    try {
      history = HistoryReader.read(file);
    } catch (BadHistoryException e) {
      return CheckResult.badInput(file.toString(), e, millisSince(startNanos));
    }
    return check(history, startNanos);
  }

  /** Judges a history already read. */
  public CheckResult check(History history) {
    return check(history, System.nanoTime());
  }

  private CheckResult check(History history, long startNanos) {
    long deadlineNanos = startNanos + limits.timeoutNanos();
    List<Map.Entry<String, List<Operation>>> keys =
        new ArrayList<>(history.operationsByKey().entrySet());
    // Biggest keys first, so that one long key does not start last and finish alone.
    keys.sort(Comparator.comparingInt(
        (Map.Entry<String, List<Operation>> key) -> key.getValue().size()).reversed());
    List<Future<KeyResult>> pending = new ArrayList<>(keys.size());
    for (Map.Entry<String, List<Operation>> key : keys) {
      pending.add(keyPool.submit(() -> checkKey(key.getKey(), key.getValue(), deadlineNanos)));
    }
    List<KeyResult> failed = new ArrayList<>();
    List<KeyResult> unknown = new ArrayList<>();
    for (Future<KeyResult> future : pending) {
      KeyResult result = await(future);
      if (result.verdict() == Verdict.NOT_LINEARIZABLE) {
        failed.add(result);
      } else if (result.verdict() == Verdict.UNKNOWN) {
        unknown.add(result);
      }
    }
    failed.sort(Comparator.comparing(KeyResult::key));
    unknown.sort(Comparator.comparing(KeyResult::key));
    Verdict verdict = !failed.isEmpty() ? Verdict.NOT_LINEARIZABLE
        : !unknown.isEmpty() ? Verdict.UNKNOWN
        : Verdict.LINEARIZABLE;
    return new CheckResult(history.source(), verdict, history.invocationCount(),
        history.keyCount(), millisSince(startNanos), failed, unknown, null);
  }

  private KeyResult checkKey(String key, List<Operation> operations, long deadlineNanos) {
    KeyHistory keyHistory = KeyHistory.prepare(key, operations);
    try {
      KeyResult result = KeySearch.check(keyHistory, deadlineNanos, limits.memoBytesPerKey());
      if (result.verdict() != Verdict.NOT_LINEARIZABLE) {
        return result;
      }
      long shrinkDeadlineNanos = earlier(deadlineNanos, System.nanoTime() + MAX_SHRINK_NANOS);
      CounterexampleShrinker.Core core = CounterexampleShrinker.core(
          key, operations, shrinkDeadlineNanos, limits.memoBytesPerKey());
      Counterexample shrunk = result.counterexample().withCore(core.operations(), core.minimal());
      return new KeyResult(key, result.verdict(), result.operationCount(), shrunk, null,
          result.memoEntries());
    } catch (OutOfMemoryError e) {
      // The memo budget should prevent this; if other keys' memos together still exhaust the
      // heap, the search's data is unreachable once this returns, and "unknown" is the truth.
      return new KeyResult(key, Verdict.UNKNOWN, keyHistory.operationCount(), null,
          "heap exhausted", 0);
    }
  }

  /** Of two deadlines on the {@code System.nanoTime()} clock, the one that comes first. */
  private static long earlier(long deadlineNanos, long otherDeadlineNanos) {
    return deadlineNanos - otherDeadlineNanos < 0 ? deadlineNanos : otherDeadlineNanos;
  }

  private static KeyResult await(Future<KeyResult> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking a history", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("checking a key failed", e.getCause());
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Stops the threads, waiting for any key still being checked. */
  @Override
  public void close() {
    keyPool.shutdown();
    try {
      if (!keyPool.awaitTermination(1, TimeUnit.MINUTES)) {
        keyPool.shutdownNow();
      }
    } catch (InterruptedException e) {
      keyPool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

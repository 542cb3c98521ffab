package io.keel.raft.runtime;

import io.keel.raft.EntryType;
import io.keel.raft.NodeStoppedException;
import io.keel.raft.StateMachine;
import io.keel.raft.protocol.CommittedEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The group's one applier. The event thread hands it the committed entries the core gives out
 * ({@link #submit}) and the failures of proposals the core refused ({@link #fail}); once the event
 * thread has finished its burst, {@link #flush} sends everything, in order, to the group's apply
 * executor, where the user's {@link StateMachine} runs and the proposers' futures complete. A slow
 * state machine or a slow callback therefore delays applying, never heartbeats or replication, and
 * no user callback ever runs on the event thread. After each batch it reports the last index
 * applied, which the runtime passes back to the core.
 *
 * @param <R> the user's result type
 */
final class ApplyPipeline<R> {

  private final StateMachine<R> stateMachine;
  private final Executor applyExecutor;
  private final LongConsumer onApplied;
  private final Runnable onOutcome;
  private final Consumer<Throwable> onFatal;
  private final Runnable afterBatch;
  /** Takes snapshots after batches; null if the group takes none. */
  private final Snapshotter snapshotter;
  /** The thread running a batch now, if any: callbacks on it run inside the batch. */
  private volatile Thread applying;
  private List<Object> batch = new ArrayList<>();
  /** Set, on the apply thread, once the state machine threw an {@link Error}: nothing applies after. */
  private Throwable fatal;

  /**
   * @param onApplied told, on the apply thread, the highest index applied after each batch
   * @param onOutcome told, on the apply thread, each time a refused proposer's future completes
   * @param onFatal told, on the apply thread, if the state machine throws an {@link Error}; its
   *     state is then unknown, so this replica applies nothing more and must be stopped
   * @param afterBatch run on the apply thread after each batch and its callbacks
   * @param snapshotter told after each batch what was applied, or null if the group takes no snapshots
   */
  ApplyPipeline(StateMachine<R> stateMachine, Executor applyExecutor, LongConsumer onApplied,
      Runnable onOutcome, Consumer<Throwable> onFatal, Runnable afterBatch, Snapshotter snapshotter) {
    this.snapshotter = snapshotter;
    this.stateMachine = stateMachine;
    this.applyExecutor = applyExecutor;
    this.onApplied = onApplied;
    this.onOutcome = onOutcome;
    this.onFatal = onFatal;
    this.afterBatch = afterBatch;
  }

  /** Whether the calling thread is running a batch (a callback of a proposal, say). */
  boolean isApplyThread() {
    return applying == Thread.currentThread();
  }

  /** On the event thread: committed entries to apply, in log order. */
  void submit(List<CommittedEntry<R>> entries) {
    batch.addAll(entries);
  }

  /** On the event thread: fails {@code client} with {@code cause}, on the apply thread, after what is already queued. */
  void fail(CompletableFuture<R> client, Throwable cause) {
    batch.add(new Failure<>(client, cause));
  }

  /** On the event thread: sends the recorded work to the apply executor. */
  void flush() {
    if (batch.isEmpty()) {
      return;
    }
    List<Object> work = batch;
    batch = new ArrayList<>(Math.max(16, work.size()));
    applyExecutor.execute(() -> run(work));
  }

  /** Runs a batch on the apply thread. */
  private void run(List<Object> work) {
    applying = Thread.currentThread();
    try {
      runBatch(work);
    } finally {
      applying = null;
      afterBatch.run();
    }
  }

  @SuppressWarnings("unchecked")
  private void runBatch(List<Object> work) {
    long lastApplied = -1;
    long lastTerm = 0;
    long entries = 0;
    long bytes = 0;
    for (Object item : work) {
      if (item instanceof CommittedEntry<?> committed) {
        CommittedEntry<R> entry = (CommittedEntry<R>) committed;
        if (fatal == null) {
          try {
            entry.applyTo(stateMachine);
            if (snapshotter != null && entry.entry().type() == EntryType.CONFIGURATION) {
              snapshotter.onConfigurationApplied(entry.entry().configuration());
            }
            lastApplied = entry.index();
            lastTerm = entry.entry().term();
            entries++;
            bytes += entry.entry().command().length;
          } catch (Error e) {
            fatal = e;
            onFatal.accept(e);
          }
        }
        if (fatal != null) {
          entry.abandon(new NodeStoppedException(
              "the state machine failed before applying index " + entry.index(), fatal));
        }
      } else {
        Failure<R> failure = (Failure<R>) item;
        failure.client.completeExceptionally(failure.cause);
        onOutcome.run();
      }
    }
    if (lastApplied < 0 || (fatal == null && !flushStateMachine(lastApplied))) {
      return;
    }
    onApplied.accept(lastApplied);
    if (snapshotter != null) {
      snapshotter.afterApplied(stateMachine, lastApplied, lastTerm, entries, bytes);
    }
  }

  /**
   * Ends the run in the state machine. A failure there leaves its state unknown, as an {@link
   * Error} from {@code apply} does: nothing applies after, and the run is not reported applied,
   * so no snapshot is taken of it.
   */
  private boolean flushStateMachine(long lastApplied) {
    try {
      stateMachine.flush(lastApplied);
      return true;
    } catch (RuntimeException | Error e) {
      fatal = e;
      onFatal.accept(e);
      return false;
    }
  }

  private record Failure<R>(CompletableFuture<R> client, Throwable cause) {}
}

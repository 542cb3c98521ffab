package io.keel.raft.runtime;

import io.keel.raft.NodeStoppedException;
import io.keel.raft.StateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Moves applying off the event thread. The pure core "applies" each committed command by handing
 * it to {@link #apply}, which only records it; once the event thread has finished its burst,
 * {@link #flush} sends everything recorded, in log order, to the group's apply executor, where the
 * user's {@link StateMachine} runs and the proposers' futures complete. A slow state machine or a
 * slow callback therefore delays applying, never heartbeats or replication.
 *
 * <p>Failures of proposals (not the leader, leadership lost, node stopped) travel the same way,
 * so no user callback ever runs on the event thread.
 *
 * @param <R> the user's result type
 */
final class ApplyPipeline<R> implements StateMachine<ApplyPipeline.Command<R>> {

  private final StateMachine<R> stateMachine;
  private final Executor applyExecutor;
  private final LongConsumer onApplied;
  private final Runnable onOutcome;
  private final Consumer<Throwable> onFatal;
  private final Runnable afterBatch;
  /** The thread running a batch now, if any: callbacks on it run inside the batch. */
  private volatile Thread applying;
  private List<Object> batch = new ArrayList<>();
  /** Set, on the apply thread, once the state machine threw an {@link Error}: nothing applies after. */
  private Throwable fatal;

  /**
   * @param onApplied told, on the apply thread, the highest index applied after each batch
   * @param onOutcome told, on the apply thread, each time a proposer's future completes
   * @param onFatal told, on the apply thread, if the state machine throws an {@link Error}; its
   *     state is then unknown, so this replica applies nothing more and must be stopped
   * @param afterBatch run on the apply thread after each batch and its callbacks
   */
  ApplyPipeline(StateMachine<R> stateMachine, Executor applyExecutor, LongConsumer onApplied,
      Runnable onOutcome, Consumer<Throwable> onFatal, Runnable afterBatch) {
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

  /** Called by the core, on the event thread, for each committed command in log order. */
  @Override
  public Command<R> apply(long index, byte[] command) {
    Command<R> pending = new Command<>(index, command);
    batch.add(pending);
    return pending;
  }

  /** Fails {@code client} with {@code cause}, on the apply thread, after what is already queued. */
  void fail(CompletableFuture<R> client, Throwable cause) {
    batch.add(new Failure<>(client, cause));
  }

  /**
   * Sends the recorded work to the apply executor; {@code appliedThrough} is the core's applied
   * index, which counts entries (such as no-ops) that carry no command.
   */
  void flush(long appliedThrough) {
    if (batch.isEmpty()) {
      return;
    }
    List<Object> work = batch;
    batch = new ArrayList<>(Math.max(16, work.size()));
    applyExecutor.execute(() -> run(work, appliedThrough));
  }

  /** Runs a batch on the apply thread. */
  @SuppressWarnings("unchecked")
  private void run(List<Object> work, long appliedThrough) {
    applying = Thread.currentThread();
    try {
      runBatch(work, appliedThrough);
    } finally {
      applying = null;
      afterBatch.run();
    }
  }

  @SuppressWarnings("unchecked")
  private void runBatch(List<Object> work, long appliedThrough) {
    for (Object item : work) {
      if (item instanceof Command<?> command) {
        if (fatal == null) {
          try {
            applyOne((Command<R>) command);
          } catch (Error e) {
            fatal = e;
            onFatal.accept(e);
          }
        }
        if (fatal != null) {
          failUnapplied((Command<R>) command);
        }
      } else {
        Failure<R> failure = (Failure<R>) item;
        failure.client.completeExceptionally(failure.cause);
        onOutcome.run();
      }
    }
    if (fatal == null) {
      onApplied.accept(appliedThrough);
    }
  }

  private void failUnapplied(Command<R> command) {
    if (command.client != null && !command.client.isDone()) {
      command.client.completeExceptionally(new NodeStoppedException(
          "the state machine failed before applying index " + command.index, fatal));
      onOutcome.run();
    }
  }

  private void applyOne(Command<R> command) {
    R result = null;
    RuntimeException failure = null;
    try {
      result = stateMachine.apply(command.index, command.bytes);
    } catch (RuntimeException e) {
      failure = e; // the command's result, the same on every replica
    }
    CompletableFuture<R> client = command.client;
    if (client != null) {
      if (failure == null) {
        client.complete(result);
      } else {
        client.completeExceptionally(failure);
      }
      onOutcome.run();
    }
  }

  /**
   * A committed command on its way to the state machine; {@code client} is set, on the event
   * thread and before the batch is flushed, when this node proposed it.
   */
  static final class Command<R> {
    final long index;
    final byte[] bytes;
    CompletableFuture<R> client;

    Command(long index, byte[] bytes) {
      this.index = index;
      this.bytes = bytes;
    }
  }

  private record Failure<R>(CompletableFuture<R> client, Throwable cause) {}
}

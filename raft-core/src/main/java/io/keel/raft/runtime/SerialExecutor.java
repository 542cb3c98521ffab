package io.keel.raft.runtime;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: each group applies its
 * commands in log order without needing a thread of its own.
 */
final class SerialExecutor implements Executor {

  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  /** How many tasks one turn runs before yielding the pool thread to other groups. */
  private static final int TURN = 64;

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable turn = this::runTurn;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      pool.execute(turn);
    }
  }

  private void runTurn() {
    for (int i = 0; i < TURN; i++) {
      Runnable task = tasks.poll();
      if (task == null) {
        break;
      }
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.error("a serial task failed; the next ones still run", e);
      }
    }
    scheduled.set(false);
    if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
      pool.execute(turn);
    }
  }
}

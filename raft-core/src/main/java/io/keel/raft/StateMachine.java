package io.keel.raft;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The user's replicated state machine. Keel calls {@link #apply} once for every committed command,
 * in log order, on every node; the result on the node that accepted the proposal completes the
 * proposer's future. A state machine must be empty when Keel opens it, unless it keeps its state
 * across restarts and says how far it got with {@link #appliedIndex()}: an empty one is restored
 * from the group's newest snapshot, if the group keeps snapshots, and sees the log after it
 * replayed (the whole log, from index 1, without snapshots).
 *
 * <p>To stay consistent across replicas, {@code apply} must be deterministic: the same commands in
 * the same order give the same state and results on every node. An exception it throws is treated
 * as that command's result: the proposal's future fails with it and applying goes on, so it too must
 * be deterministic.
 *
 * @param <R> the type of result returned to the proposer
 */
@FunctionalInterface
public interface StateMachine<R> {

  /**
   * Applies one committed command.
   *
   * @param index the command's log index; strictly increasing from call to call (indexes that hold
   *     no command, such as a new leader's no-op entry, are skipped)
   * @param command the command bytes as proposed; must not be modified
   * @return the result handed to the proposer
   */
  R apply(long index, byte[] command);

  /**
   * Ends a run of applies: Keel calls it on the apply thread after each run of {@link #apply}
   * calls it hands out together, before it takes a snapshot, runs a read's query or hands out
   * more, with the index of the last entry of the run (which may be an entry holding no command,
   * applied by doing nothing). A persistent state machine writes here what the run changed, with
   * {@code lastIndex} as its applied index, in one atomic write; what it keeps in memory until
   * then is bounded by the run, which Keel already holds in memory. The default does nothing.
   *
   * <p>An exception thrown here leaves the state unknown: the replica stops applying, as after an
   * {@link Error} from {@code apply}, and must be stopped. Results of the run were already handed
   * to their proposers, which is safe: the entries are committed in the log, and a replica that
   * restarts before the write lands applies them again from there, to the same results.
   */
  default void flush(long lastIndex) {}

  /**
   * The index this state machine has already applied when Keel opens it; Keel then hands it only
   * the entries after that index instead of replaying the log from the start. The default, 0, is
   * right for a state machine that starts empty on every open, as an in-memory one does.
   *
   * <p>A persistent state machine that returns more than 0 must store the applied index atomically
   * with the data it applied (in the same write batch or transaction): if a crash could keep the
   * data without the index, Keel would apply those entries a second time, and if it could keep the
   * index without the data, they would be lost. It may report less than it applied before a crash
   * (its last writes lost), never more. The index may run ahead of what the node's own log still
   * holds after a crash; the node then catches up from the leader and hands out nothing below it.
   */
  default long appliedIndex() {
    return 0;
  }

  /**
   * A point-in-time view of the state, as it is after the last entry applied, for Keel to write as
   * a snapshot; null (the default) if this state machine takes no snapshots, in which case the
   * whole log is kept. Called on the apply thread between two applies, so it must be quick: the
   * view is written out later, on another thread, while applying goes on.
   */
  default StateMachineSnapshot snapshot() {
    return null;
  }

  /**
   * Replaces the whole state with a snapshot's, read from {@code in} as {@link StateMachineSnapshot#writeTo}
   * wrote it; the snapshot stands for every entry up to {@code lastIndex}. Keel calls it when the
   * node starts, before any apply, with a snapshot beyond {@link #appliedIndex()}; and on the apply
   * thread, between two applies, when the node installs a snapshot its leader sent because it
   * lacks entries the leader has compacted away. Either way it then hands out only the entries
   * after {@code lastIndex}. A state machine that takes snapshots must restore them; a persistent
   * one stores {@code lastIndex} as its applied index atomically with the restored data.
   *
   * @throws IOException if the snapshot cannot be read; at start the node does not start, and when
   *     installing one from the leader the group stops, since the state is then unknown
   */
  default void restore(long lastIndex, InputStream in) throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " takes snapshots but cannot restore them");
  }

  /**
   * Restores from a snapshot kept as a directory of files, as a snapshot store that keeps
   * checkpoints does (see {@link StateMachineSnapshot#directory()}), without streaming it: a store
   * with its own files can link them in place of copying. Keel offers the directory first, and
   * calls {@link #restore(long, InputStream)} with the same snapshot as a stream if this returns
   * false, as the default does. The same rules as for the stream apply: the state afterwards
   * stands for every entry up to {@code lastIndex}, and nothing in {@code directory} may be
   * changed (the store still holds it).
   *
   * @return whether the state machine restored from the directory
   * @throws IOException if it cannot, having started: as for {@link #restore(long, InputStream)}
   */
  default boolean restoreFromDirectory(long lastIndex, Path directory) throws IOException {
    return false;
  }
}
